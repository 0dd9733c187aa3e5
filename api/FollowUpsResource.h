// Follow-up of substantial doses: the list with due dates, one study's, and its outcome.
#pragma once

#include "api/Context.h"

namespace fa::api {

class FollowUpsResource : public Call {
public:
    using Call::Call;
    // GET /api/follow-ups?state=open|overdue|closed|withdrawn|all (default open: the overdue among them)
    ApiResponse list();
    // GET /api/follow-ups/UID
    ApiResponse one(const std::string& uid);
    // POST /api/follow-ups/UID {outcome, note} (reviewer)
    ApiResponse record(const std::string& uid);
};

} // namespace fa::api
