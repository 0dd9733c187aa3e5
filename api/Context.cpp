#include "api/Context.h"

#include "api/Http.h"

#include <Poco/Logger.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fa::api {

namespace {

// [http] time_zone, TZ, /etc/timezone, /etc/localtime.
std::string siteTimeZone(const Settings& s) {
    if (!s.http.timeZone.empty()) return s.http.timeZone;
    if (const char* tz = std::getenv("TZ"); tz && *tz) return tz[0] == ':' ? tz + 1 : tz;
    std::ifstream in("/etc/timezone");
    std::string name;
    if (std::getline(in, name) && !name.empty()) return name;
    std::error_code ec;
    const auto link = std::filesystem::read_symlink("/etc/localtime", ec).string();
    if (const auto at = link.find("zoneinfo/"); !ec && at != std::string::npos) return link.substr(at + 9);
    return "UTC";
}

} // namespace

Api::Context::Context(const Settings& s, ServiceProbe p)
    : settings(s), probe(std::move(p)), sessions(std::chrono::minutes(s.http.sessionIdleMinutes)),
      pipeline(std::make_unique<Pipeline>(settings)), log(Poco::Logger::get("web")), zone(siteTimeZone(settings)) {}

Session& Call::require(const std::string& role) {
    if (!session_) {
        if (r_.sessionCookie.empty()) throw Refusal{401, text("session.logIn")};
        session_ = c_.sessions.find(r_.sessionCookie);
        if (!session_) throw Refusal{401, text("session.ended")};
    }
    if (roleRank(session_->role) < roleRank(role))
        throw Refusal{403, text("session.needsRole", {{"role", term("role." + role)}, {"user", session_->username}, {"has", term("role." + session_->role)}})};
    if (r_.method != "GET" && r_.csrfHeader != session_->csrf)
        throw Refusal{403, text("session.csrf")};
    return *session_;
}

void Call::trail(const std::string& action, const Text& detail) {
    c_.store().addTrail(session_ ? session_->username : "", action, detail, r_.remote);
}

bool Call::seesPatients() const { return session_ && roleRank(session_->role) >= roleRank("reviewer"); }

Language Call::language() const {
    const std::string chosen = param(r_, "lang");
    return languageOf(chosen.empty() ? r_.acceptLanguage : chosen);
}

} // namespace fa::api
