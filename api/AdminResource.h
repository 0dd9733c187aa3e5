// Users, the audit trail and the settings: admins only.
#pragma once

#include "api/Context.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::api {

class AdminResource : public Call {
public:
    using Call::Call;
    ApiResponse users();
    ApiResponse addUser();
    ApiResponse changeUser(const std::string& name);
    ApiResponse auditTrail();
    ApiResponse settings();
};

} // namespace fa::api
