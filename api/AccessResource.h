// Logging in and out, and the caller's session.
#pragma once

#include "api/Context.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::api {

class AccessResource : public Call {
public:
    using Call::Call;
    ApiResponse login();
    ApiResponse logout();
    ApiResponse session();

private:
    Poco::JSON::Object::Ptr sessionJson(const Session& s);
};

} // namespace fa::api
