#include "api/AdminResource.h"

#include "api/Http.h"
#include "present/Json.h"
#include "present/RecordJson.h"

namespace fa::api {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using present::jsonObject;

ApiResponse AdminResource::users() {
    require("admin");
    Array::Ptr list = new Array;
    for (const auto& u : c_.store().users()) list->add(present::userJson(u));
    return json(list);
}

ApiResponse AdminResource::addUser() {
    require("admin");
    const auto body = parseBody(r_.body);
    store::User u;
    u.username = field(body, "username");
    u.role = field(body, "role");
    const std::string password = field(body, "password");
    if (u.username.empty() || u.username.size() > 64 ||
        u.username.find_first_of(" \t\r\n/\\") != std::string::npos)
        throw Refusal{400, text("user.badName")};
    if (!isRole(u.role)) throw Refusal{400, text("request.oneOf", {{"name", "role"}, {"choices", "viewer, reviewer, admin"}})};
    if (auto why = passwordProblem(password)) throw Refusal{400, *why};
    if (c_.store().user(u.username)) throw Refusal{409, text("user.exists", {{"name", u.username}})};
    u.passwordHash = hashPassword(password);
    c_.store().addUser(u);
    trail("user-add", text("trail.userAdd", {{"user", u.username}, {"role", term("role." + u.role)}}));
    return json(present::userJson(*c_.store().user(u.username)), 201);
}

ApiResponse AdminResource::changeUser(const std::string& name) {
    auto& s = require("admin");
    const auto body = parseBody(r_.body);
    auto u = c_.store().user(name);
    if (!u) throw Refusal{404, text("user.unknown", {{"name", name}})};
    std::vector<Text> changes;
    if (body->has("role")) {
        const std::string role = field(body, "role");
        if (!isRole(role)) throw Refusal{400, text("request.oneOf", {{"name", "role"}, {"choices", "viewer, reviewer, admin"}})};
        if (name == s.username && role != "admin") throw Refusal{400, text("user.ownAdmin")};
        u->role = role;
        changes.push_back(text("trail.changeRole", {{"role", term("role." + role)}}));
    }
    if (body->has("password")) {
        const std::string password = field(body, "password");
        if (auto why = passwordProblem(password)) throw Refusal{400, *why};
        u->passwordHash = hashPassword(password);
        changes.push_back(text("trail.changePassword"));
    }
    if (body->has("disabled")) {
        const Var v = body->get("disabled");
        if (!v.isBoolean()) throw Refusal{400, text("user.notBoolean")};
        u->disabled = v.extract<bool>();
        if (name == s.username && u->disabled) throw Refusal{400, text("user.ownDisable")};
        changes.push_back(text(u->disabled ? "trail.changeDisabled" : "trail.changeEnabled"));
    }
    if (changes.empty()) throw Refusal{400, text("user.nothingToChange")};
    c_.store().updateUser(*u);
    if (u->disabled || body->has("password")) c_.sessions.endUser(name);
    else c_.sessions.updateRole(name, u->role);
    trail("user-change", userChange(name, changes));
    return json(present::userJson(*u));
}

ApiResponse AdminResource::auditTrail() {
    require("admin");
    const std::size_t pageSize = numberParam(r_, "page_size", 100, 1000), page = numberParam(r_, "page", 1, 1000000);
    Array::Ptr list = new Array;
    for (const auto& t : c_.store().trail(pageSize, (page - 1) * pageSize)) list->add(present::trailEntryJson(t, language()));
    return json(list);
}

ApiResponse AdminResource::settings() {
    require("admin");
    const Settings& s = c_.settings;
    Object::Ptr o = jsonObject();
    o->set("data_dir", s.dataDir);
    o->set("ae_title", s.listener.aeTitle);
    o->set("dicom_port", static_cast<int>(s.listener.port));
    o->set("http_port", s.http.port);
    o->set("https", !s.http.certificate.empty());
    o->set("session_idle_minutes", s.http.sessionIdleMinutes);
    o->set("time_zone", c_.timeZone());
    o->set("pacs", s.pacs.configured() ? s.pacs.aeTitle + "@" + s.pacs.host + ":" + std::to_string(s.pacs.port) : "");
    char at[8];
    std::snprintf(at, sizeof at, "%02d:%02d", s.audit.hour, s.audit.minute);
    o->set("audit_time", s.audit.scheduled ? std::string(at) : std::string());
    o->set("mail_to", present::texts(s.mail.to));
    o->set("store_patient_identifiers", s.storePatientIdentifiers);
    o->set("investigation_multiplier", s.rules.investigationMultiplier);
    o->set("cumulative_window_days", s.rules.cumulativeWindowDays);
    return json(o);
}

} // namespace fa::api
