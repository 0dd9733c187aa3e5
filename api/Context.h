// What the API keeps between requests: settings, sessions, the login throttle and the one
// database connection every request uses in turn.
#pragma once

#include "api/Api.h"
#include "pipeline/Pipeline.h"

#include <memory>
#include <mutex>
#include <string>

namespace Poco {
class Logger;
}

namespace fa::api {

struct Api::Context {
    Context(const Settings& s, ServiceProbe p);

    Settings settings;
    ServiceProbe probe;
    Sessions sessions;
    LoginThrottle throttle;
    std::mutex db; // one Pipeline (one SQLite connection) for every request, one at a time
    std::unique_ptr<Pipeline> pipeline;
    Poco::Logger& log;
    const std::string zone; // the site's time zone for the UI

    store::StudyStore& store() { return pipeline->store(); }
    const std::string& timeZone() const { return zone; }
};

// A request being answered: the base of every resource. Resources are made per request.
class Call {
public:
    Call(Api::Context& context, const ApiRequest& request) : c_(context), r_(request) {}

protected:
    // The caller's session with at least `role`; every change also needs the CSRF token.
    Session& require(const std::string& role);
    // Records what the caller did in the audit trail.
    void trail(const std::string& action, const Text& detail);
    // Patient name, ID and birth date are for reviewers and admins only.
    bool seesPatients() const;
    // The language the caller reads: the `lang` parameter (a download the UI links to), else Accept-Language.
    Language language() const;

    Api::Context& c_;
    const ApiRequest& r_;
    std::optional<Session> session_;
};

} // namespace fa::api
