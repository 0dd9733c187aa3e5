#include "api/AccessResource.h"

#include "api/Http.h"
#include "present/Json.h"

#include <Poco/Logger.h>

namespace fa::api {

using Poco::JSON::Object;
using present::jsonObject;

namespace {
constexpr std::size_t kMaxUserName = 64; // as AdminResource accepts them
} // namespace

ApiResponse AccessResource::login() {
    const auto body = parseBody(r_.body);
    const std::string name = field(body, "username"), password = field(body, "password");
    if (name.size() > kMaxUserName) return error(400, text("login.nameTooLong"), languageOf(r_.acceptLanguage));
    if (const int wait = c_.throttle.admit(name, r_.remote); wait > 0) {
        auto resp = error(429, text("login.throttled", {{"seconds", std::to_string(wait)}}), languageOf(r_.acceptLanguage));
        resp.headers.emplace_back("Retry-After", std::to_string(wait));
        return resp;
    }
    std::optional<store::User> user;
    {
        std::lock_guard<std::mutex> lock(c_.db);
        user = c_.store().user(name);
    }
    // The same PBKDF2 work whether or not the user exists: the answer's time tells nothing.
    const bool passwordOk = user ? verifyPassword(password, user->passwordHash) : verifyAgainstNobody(password);
    const bool ok = passwordOk && !user->disabled;
    std::lock_guard<std::mutex> lock(c_.db);
    if (!ok) {
        c_.store().addTrail(name, "login-failed", text(user && user->disabled ? "trail.accountDisabled" : "login.wrong"),
                            r_.remote);
        c_.log.warning("failed login for '%s' from %s", name, r_.remote);
        return error(401, text("login.wrong"), languageOf(r_.acceptLanguage));
    }
    c_.throttle.succeeded(name, r_.remote);
    session_ = c_.sessions.create(user->username, user->role);
    c_.store().addTrail(user->username, "login", text("trail.login", {{"role", term("role." + user->role)}}), r_.remote);
    auto resp = json(sessionJson(*session_));
    resp.headers.emplace_back("Set-Cookie", "fa_session=" + session_->token + "; Path=/; HttpOnly; SameSite=Strict" +
                                                (r_.secure ? "; Secure" : ""));
    return resp;
}

ApiResponse AccessResource::logout() {
    auto& s = require("viewer");
    c_.sessions.end(s.token);
    {
        std::lock_guard<std::mutex> lock(c_.db);
        trail("logout", Text{});
    }
    ApiResponse resp;
    resp.status = 204;
    resp.headers.emplace_back("Set-Cookie", "fa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                                std::string(r_.secure ? "; Secure" : ""));
    return resp;
}

Object::Ptr AccessResource::sessionJson(const Session& s) {
    Object::Ptr o = jsonObject();
    o->set("username", s.username);
    o->set("role", s.role);
    o->set("csrf_token", s.csrf);
    o->set("time_zone", c_.timeZone());
    o->set("idle_minutes", c_.settings.http.sessionIdleMinutes);
    return o;
}

ApiResponse AccessResource::session() { return json(sessionJson(require("viewer"))); }

} // namespace fa::api
