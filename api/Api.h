// The REST API (docs/api.md): JSON over HTTP, behind login and roles. Independent of the HTTP
// server so that any host (the service now, an Orthanc plugin later) can serve it.
#pragma once

#include "api/Auth.h"
#include "pipeline/Settings.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fa {
class Pipeline;
}

namespace fa::api {

struct ApiRequest {
    std::string method; // GET, POST, PUT, PATCH, DELETE
    std::string path;   // without the query
    std::map<std::string, std::string> query; // the last value of each parameter
    std::vector<std::pair<std::string, std::string>> queryList; // every parameter in order, repeated ones too
    std::string body;
    std::string sessionCookie; // value of the fa_session cookie, "" if none
    std::string csrfHeader;    // X-CSRF-Token
    std::string remote;        // the caller's address
    std::string acceptLanguage; // Accept-Language: messages are answered in that language
    bool secure = false;       // arrived over HTTPS
};

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// What the hosting service tells the API about itself (for health and metrics).
struct ServiceProbe {
    std::function<bool()> listening;
    std::function<long long()> received;
    std::function<long long()> processingFailures;
    // C-STOREs answered 0xA700 since the last object kept (0: the spool takes objects).
    std::function<long long()> refusedInARow;
    // Why received objects cannot be stored now (e.g. the database's disk is full), "" when they can.
    std::function<std::string()> processingStalled;
};

class Api {
public:
    Api(const Settings& settings, ServiceProbe probe);
    ~Api();
    // Routes /api/... and /metrics; anything else is 404. Never throws.
    ApiResponse handle(const ApiRequest& request);
    static bool handles(const std::string& path);

    struct Context;

private:
    std::unique_ptr<Context> context_;
};

} // namespace fa::api
