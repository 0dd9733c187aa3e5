// The staff dose estimate: each operator's year, and the rates and operator profiles it uses.
#pragma once

#include "api/Context.h"

namespace fa::api {

class StaffResource : public Call {
public:
    using Call::Call;
    // GET /api/staff?year=YYYY (default: this year)
    ApiResponse year();
    ApiResponse rates();
    ApiResponse replaceRates();
    ApiResponse profiles();
    ApiResponse replaceProfiles();

private:
    ApiResponse replace(const std::string& kind, const std::string& action);
};

} // namespace fa::api
