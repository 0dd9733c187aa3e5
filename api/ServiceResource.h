// Health and Prometheus metrics: no login, no patient data.
#pragma once

#include "api/Context.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::api {

class ServiceResource : public Call {
public:
    using Call::Call;
    ApiResponse health();
    ApiResponse metrics();

private:
    std::size_t spooled() const;
};

} // namespace fa::api
