#include "api/Api.h"

#include "core/Error.h"
#include "dicom/Spool.h"
#include "audit/AuditReport.h"
#include "present/DrlAudit.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SpoolProcessor.h"
#include "present/Display.h"
#include "present/StudyJson.h"
#include "rules/Metric.h"
#include "rules/Statistics.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fa::api {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using present::jsonObject;

// A refusal with the status to answer and a message a person can act on.
struct Refusal {
    int status;
    std::string message;
};

std::string stringify(const Var& v) {
    std::ostringstream out;
    if (v.type() == typeid(Object::Ptr)) v.extract<Object::Ptr>()->stringify(out);
    else if (v.type() == typeid(Array::Ptr)) v.extract<Array::Ptr>()->stringify(out);
    else Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

ApiResponse json(const Var& v, int status = 200) {
    ApiResponse r;
    r.status = status;
    r.body = stringify(v);
    return r;
}

ApiResponse error(int status, const std::string& message) {
    Object::Ptr o = jsonObject();
    o->set("error", message);
    return json(o, status);
}

Object::Ptr parseBody(const std::string& body) {
    if (body.empty()) throw Refusal{400, "the request has no body: send a JSON object"};
    try {
        auto v = Poco::JSON::Parser().parse(body);
        if (v.type() != typeid(Object::Ptr)) throw Refusal{400, "the body must be a JSON object"};
        return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Refusal{400, "the body is not valid JSON: " + e.message()};
    }
}

std::string field(const Object::Ptr& o, const std::string& name, bool required = true) {
    if (!o->has(name) || o->isNull(name)) {
        if (required) throw Refusal{400, "'" + name + "' is missing"};
        return {};
    }
    const Var v = o->get(name);
    if (!v.isString()) throw Refusal{400, "'" + name + "' must be a string"};
    return v.extract<std::string>();
}

std::string param(const ApiRequest& r, const std::string& name) {
    auto it = r.query.find(name);
    return it == r.query.end() ? std::string() : it->second;
}

std::string dateParam(const ApiRequest& r, const std::string& name) {
    std::string v = param(r, name);
    if (v.empty()) return v;
    if (v.size() == 8 && v.find('-') == std::string::npos) v = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
    if (v.size() != 10 || v[4] != '-' || v[7] != '-' ||
        !std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; }))
        throw Refusal{400, "'" + name + "' must be a date YYYY-MM-DD, not '" + param(r, name) + "'"};
    return v;
}

std::size_t numberParam(const ApiRequest& r, const std::string& name, std::size_t fallback, std::size_t max) {
    const std::string v = param(r, name);
    if (v.empty()) return fallback;
    unsigned n = 0;
    if (!Poco::NumberParser::tryParseUnsigned(v, n) || n == 0 || n > max)
        throw Refusal{400, "'" + name + "' must be a whole number from 1 to " + std::to_string(max)};
    return n;
}

bool isReviewState(const std::string& s) { return s == "acknowledged" || s == "justified" || s == "action-required"; }

// Patient name, ID and birth date are for reviewers and admins only.
void hidePatient(Object::Ptr o) {
    for (const char* key : {"patient_id", "patient_name", "patient_birth_date"})
        if (o->has(key)) o->set(key, Var());
}

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(path);
    while (std::getline(in, part, '/'))
        if (!part.empty()) out.push_back(part);
    return out;
}

std::string csvLine(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csvCell(cells[i]);
    return out + "\r\n";
}

std::string num(const std::optional<double>& v) {
    if (!v) return {};
    std::ostringstream s;
    s << present::roundForDisplay(*v);
    return s.str();
}

} // namespace

struct Api::Context {
    Context(const Settings& s, ServiceProbe p)
        : settings(s), probe(std::move(p)), sessions(std::chrono::minutes(s.http.sessionIdleMinutes)),
          pipeline(std::make_unique<Pipeline>(settings)), log(Poco::Logger::get("web")) {}

    Settings settings;
    ServiceProbe probe;
    Sessions sessions;
    LoginThrottle throttle;
    std::mutex db; // one Pipeline (one SQLite connection) for every request, one at a time
    std::unique_ptr<Pipeline> pipeline;
    Poco::Logger& log;

    store::StudyStore& store() { return pipeline->store(); }
    const std::string& timeZone() const { return zone; }

    // The site's time zone for the UI, read once: [http] time_zone, TZ, /etc/timezone, /etc/localtime.
    static std::string siteTimeZone(const Settings& s) {
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
    const std::string zone = siteTimeZone(settings);
};

Api::Api(const Settings& settings, ServiceProbe probe)
    : context_(std::make_unique<Context>(settings, std::move(probe))) {}

Api::~Api() = default;

bool Api::handles(const std::string& path) { return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/metrics"; }

namespace {

class Handler {
public:
    Handler(Api::Context& c, const ApiRequest& r) : c_(c), r_(r), parts_(splitPath(r.path)) {}

    ApiResponse run() {
        try {
            return route();
        } catch (const Refusal& refusal) {
            return error(refusal.status, refusal.message);
        } catch (const Error& e) {
            c_.log.error("%s %s: %s", r_.method, r_.path, std::string(e.what()));
            return error(500, e.what());
        } catch (const std::exception& e) {
            c_.log.error("%s %s: %s", r_.method, r_.path, std::string(e.what()));
            return error(500, std::string("internal error: ") + e.what() + " (see the service log)");
        }
    }

private:
    bool is(const char* method, std::initializer_list<const char*> pattern) {
        if (r_.method != method || parts_.size() != pattern.size()) return false;
        std::size_t i = 0;
        for (const char* p : pattern) {
            if (p[0] != ':' && parts_[i] != p) return false;
            ++i;
        }
        return true;
    }


    // The caller's session with at least `role`; every change also needs the CSRF token.
    Session& require(const std::string& role) {
        if (!session_) {
            if (r_.sessionCookie.empty()) throw Refusal{401, "log in first (POST /api/login)"};
            session_ = c_.sessions.find(r_.sessionCookie);
            if (!session_) throw Refusal{401, "the session has ended (logged out or idle too long): log in again"};
        }
        if (roleRank(session_->role) < roleRank(role))
            throw Refusal{403, "this needs the " + role + " role; " + session_->username + " is " + session_->role};
        if (r_.method != "GET" && r_.csrfHeader != session_->csrf)
            throw Refusal{403, "missing or wrong X-CSRF-Token header (reload the page)"};
        return *session_;
    }

    void trail(const std::string& action, const std::string& detail) {
        c_.store().addTrail(session_ ? session_->username : "", action, detail, r_.remote);
    }

    ApiResponse route() {
        if (r_.path == "/metrics" && r_.method == "GET") return metrics();
        if (parts_.size() < 2 || parts_[0] != "api") throw Refusal{404, "no such API route: " + r_.path};
        if (is("GET", {"api", "health"})) return health();
        if (is("POST", {"api", "login"})) return login();
        if (is("POST", {"api", "logout"})) return logout();
        if (is("GET", {"api", "session"})) return session();
        std::lock_guard<std::mutex> lock(c_.db);
        c_.pipeline->refreshReferenceTable();
        if (is("GET", {"api", "studies"})) return studies();
        if (is("GET", {"api", "studies", ":uid"})) return study(parts_[2]);
        if (is("POST", {"api", "studies", ":uid", "reviews"})) return review(parts_[2]);
        if (is("GET", {"api", "flags"})) return flags();
        if (is("GET", {"api", "levels"})) return levels();
        if (is("PUT", {"api", "levels"})) return replaceLevels();
        if (is("GET", {"api", "levels", "history"})) return levelHistory();
        if (is("GET", {"api", "levels", "history", ":version"})) return levelVersion(parts_[3]);
        if (is("POST", {"api", "levels", "restore"})) return restoreLevels();
        if (is("GET", {"api", "stats"})) return stats();
        if (is("GET", {"api", "stats", "monthly"})) return monthly();
        if (is("GET", {"api", "export", "studies.csv"})) return exportStudies();
        if (is("GET", {"api", "export", "flags.csv"})) return exportFlags();
        if (is("GET", {"api", "devices"})) return devices();
        if (is("GET", {"api", "audit-runs"})) return auditRuns();
        if (is("GET", {"api", "audit-runs", ":id"})) return auditRun(parts_[2]);
        if (is("GET", {"api", "users"})) return users();
        if (is("POST", {"api", "users"})) return addUser();
        if (is("PATCH", {"api", "users", ":name"})) return changeUser(parts_[2]);
        if (is("GET", {"api", "audit-trail"})) return auditTrail();
        if (is("GET", {"api", "settings"})) return settings();
        throw Refusal{404, "no such API route: " + r_.method + " " + r_.path + " (see docs/api.md)"};
    }

    // -- access ------------------------------------------------------------------------------------

    ApiResponse login() {
        const auto body = parseBody(r_.body);
        const std::string name = field(body, "username"), password = field(body, "password");
        if (const int wait = c_.throttle.waitSeconds(name, r_.remote); wait > 0) {
            auto resp = error(429, "too many failed logins: try again in " + std::to_string(wait) + " s");
            resp.headers.emplace_back("Retry-After", std::to_string(wait));
            return resp;
        }
        std::optional<store::User> user;
        {
            std::lock_guard<std::mutex> lock(c_.db);
            user = c_.store().user(name);
        }
        const bool ok = user && !user->disabled && verifyPassword(password, user->passwordHash);
        std::lock_guard<std::mutex> lock(c_.db);
        if (!ok) {
            c_.throttle.failed(name, r_.remote);
            c_.store().addTrail(name, "login-failed", user && user->disabled ? "account disabled" : "wrong user name or password",
                                r_.remote);
            c_.log.warning("failed login for '%s' from %s", name, r_.remote);
            return error(401, "wrong user name or password");
        }
        c_.throttle.succeeded(name, r_.remote);
        session_ = c_.sessions.create(user->username, user->role);
        c_.store().addTrail(user->username, "login", "role " + user->role, r_.remote);
        auto resp = json(sessionJson(*session_));
        resp.headers.emplace_back("Set-Cookie", "fa_session=" + session_->token + "; Path=/; HttpOnly; SameSite=Strict" +
                                                    (r_.secure ? "; Secure" : ""));
        return resp;
    }

    ApiResponse logout() {
        auto& s = require("viewer");
        c_.sessions.end(s.token);
        {
            std::lock_guard<std::mutex> lock(c_.db);
            trail("logout", "");
        }
        ApiResponse resp;
        resp.status = 204;
        resp.headers.emplace_back("Set-Cookie", "fa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                                    std::string(r_.secure ? "; Secure" : ""));
        return resp;
    }

    Object::Ptr sessionJson(const Session& s) {
        Object::Ptr o = jsonObject();
        o->set("username", s.username);
        o->set("role", s.role);
        o->set("csrf_token", s.csrf);
        o->set("time_zone", c_.timeZone());
        o->set("idle_minutes", c_.settings.http.sessionIdleMinutes);
        return o;
    }

    ApiResponse session() { return json(sessionJson(require("viewer"))); }

    // -- service -----------------------------------------------------------------------------------

    ApiResponse health() {
        Object::Ptr o = jsonObject();
        bool dbOk = true;
        std::string dbError;
        try {
            std::lock_guard<std::mutex> lock(c_.db);
            c_.store().activeReferenceTableVersion();
        } catch (const std::exception& e) {
            dbOk = false;
            dbError = e.what();
        }
        const bool listening = c_.probe.listening ? c_.probe.listening() : false;
        o->set("status", dbOk && listening ? "ok" : "degraded");
        o->set("database", dbOk ? "ok" : dbError);
        Object::Ptr l = jsonObject();
        l->set("listening", listening);
        l->set("ae_title", c_.settings.listener.aeTitle);
        l->set("port", static_cast<int>(c_.settings.listener.port));
        o->set("listener", l);
        o->set("spool_objects", static_cast<Poco::UInt64>(spooled()));
        o->set("quarantine_objects", static_cast<Poco::UInt64>(listQuarantine(c_.settings).size()));
        return json(o, dbOk ? 200 : 503);
    }

    std::size_t spooled() const {
        std::error_code ec;
        if (!std::filesystem::is_directory(c_.settings.spoolDir(), ec)) return 0;
        return dicom::Spool(c_.settings.spoolDir()).pending().size();
    }

    ApiResponse metrics() {
        std::ostringstream m;
        auto metric = [&](const std::string& name, const std::string& help, const std::string& type, double value,
                          const std::string& labels = "") {
            m << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
              << name << labels << " " << value << "\n";
        };
        metric("fluoroaudit_objects_received_total", "DICOM objects received since the service started", "counter",
               static_cast<double>(c_.probe.received ? c_.probe.received() : 0));
        metric("fluoroaudit_processing_failures_total", "failed processing attempts since the service started", "counter",
               static_cast<double>(c_.probe.processingFailures ? c_.probe.processingFailures() : 0));
        metric("fluoroaudit_spool_objects", "objects received and not yet processed", "gauge",
               static_cast<double>(spooled()));
        metric("fluoroaudit_quarantine_objects", "objects that could not be processed", "gauge",
               static_cast<double>(listQuarantine(c_.settings).size()));
        metric("fluoroaudit_sessions", "open web sessions", "gauge", static_cast<double>(c_.sessions.count()));
        std::vector<std::pair<std::string, std::size_t>> counts;
        {
            std::lock_guard<std::mutex> lock(c_.db);
            counts = c_.store().flagCounts();
        }
        m << "# HELP fluoroaudit_flags flags by kind\n# TYPE fluoroaudit_flags gauge\n";
        std::map<std::string, std::size_t> byKind{{"above-reference", 0}, {"investigation", 0}, {"substantial", 0},
                                                  {"cumulative", 0}};
        for (const auto& [kind, n] : counts) byKind[kind] = n;
        for (const auto& [kind, n] : byKind) m << "fluoroaudit_flags{kind=\"" << kind << "\"} " << n << "\n";
        ApiResponse r;
        r.contentType = "text/plain; version=0.0.4; charset=utf-8";
        r.body = m.str();
        return r;
    }

    // -- studies and flags ---------------------------------------------------------------------------

    store::StudyFilter studyFilter() {
        auto f = store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to"));
        f.procedureId = param(r_, "procedure");
        f.device = param(r_, "device");
        f.operatorName = param(r_, "operator");
        f.flagKind = param(r_, "flag_kind");
        f.reviewState = param(r_, "review_state");
        if (!f.reviewState.empty() && f.reviewState != "unreviewed" && !isReviewState(f.reviewState))
            throw Refusal{400, "'review_state' is one of unreviewed, acknowledged, justified, action-required"};
        f.flaggedOnly = param(r_, "flagged") == "true";
        if (!param(r_, "sort").empty()) f.sort = param(r_, "sort");
        static const std::set<std::string> sorts{"date", "procedure", "device", "shots", "fluoro_time_s",
                                                 "exposure_time_s", "dap_gycm2", "kar_mgy", "flags"};
        if (!sorts.count(f.sort))
            throw Refusal{400, "'sort' is one of date, procedure, device, shots, fluoro_time_s, exposure_time_s, "
                               "dap_gycm2, kar_mgy, flags"};
        f.descending = param(r_, "order") == "desc";
        return f;
    }

    bool seesPatients() const { return roleRank(session_->role) >= roleRank("reviewer"); }

    ApiResponse studies() {
        require("viewer");
        auto f = studyFilter();
        const std::size_t pageSize = numberParam(r_, "page_size", 50, 1000), page = numberParam(r_, "page", 1, 1000000);
        f.limit = pageSize;
        f.offset = (page - 1) * pageSize;
        Array::Ptr list = new Array;
        for (const auto& s : c_.store().studies(f)) {
            auto o = present::studyToJson(s);
            if (!seesPatients()) hidePatient(o);
            list->add(o);
        }
        Object::Ptr o = jsonObject();
        o->set("total", static_cast<Poco::UInt64>(c_.store().countStudies(f)));
        o->set("page", static_cast<Poco::UInt64>(page));
        o->set("page_size", static_cast<Poco::UInt64>(pageSize));
        o->set("studies", list);
        return json(o);
    }

    ApiResponse study(const std::string& uid) {
        require("viewer");
        const auto s = c_.store().study(uid);
        if (!s) throw Refusal{404, "no study " + uid};
        auto o = present::studyDetailToJson(*s, c_.store().objectsOf(uid));
        if (!seesPatients()) hidePatient(o);
        Array::Ptr reviews = new Array;
        for (const auto& rv : c_.store().reviews(uid)) {
            Object::Ptr x = jsonObject();
            x->set("kind", rv.kind);
            x->set("metric", rv.metric);
            x->set("state", rv.state);
            x->set("comment", rv.comment);
            x->set("username", rv.username);
            x->set("at", rv.at);
            reviews->add(x);
        }
        o->set("reviews", reviews);
        return json(o);
    }

    ApiResponse review(const std::string& uid) {
        auto& s = require("reviewer");
        const auto body = parseBody(r_.body);
        store::FlagReview rv;
        rv.studyUid = uid;
        rv.kind = field(body, "kind");
        rv.metric = field(body, "metric");
        rv.state = field(body, "state");
        rv.comment = field(body, "comment", false);
        rv.username = s.username;
        if (!isReviewState(rv.state)) throw Refusal{400, "'state' is one of acknowledged, justified, action-required"};
        if (rv.state != "acknowledged" && rv.comment.empty())
            throw Refusal{400, "a comment is needed to mark a flag " + rv.state};
        if (!c_.store().study(uid)) throw Refusal{404, "no study " + uid};
        if (!c_.store().reviewFlag(rv)) throw Refusal{404, "study " + uid + " has no " + rv.kind + " flag for " + rv.metric};
        trail("review", uid + " " + rv.kind + " " + rv.metric + ": " + rv.state + (rv.comment.empty() ? "" : " — " + rv.comment));
        Object::Ptr o = jsonObject();
        o->set("study_uid", uid);
        o->set("kind", rv.kind);
        o->set("metric", rv.metric);
        o->set("state", rv.state);
        o->set("comment", rv.comment);
        o->set("username", rv.username);
        return json(o);
    }

    std::vector<store::FlagRecord> flagRecords() {
        store::FlagFilter f;
        f.fromDate = dateParam(r_, "from");
        f.toDate = dateParam(r_, "to");
        f.kind = param(r_, "kind");
        f.reviewState = param(r_, "review_state");
        return c_.store().flags(f);
    }

    ApiResponse flags() {
        require("viewer");
        Array::Ptr list = new Array;
        for (const auto& r : flagRecords()) {
            Object::Ptr o = jsonObject();
            o->set("study_uid", r.studyUid);
            o->set("study_date", r.studyDate);
            o->set("procedure_id", r.procedureId);
            auto flag = present::flagsJson({r.flag})->getObject(0);
            for (const auto& key : {"kind", "metric", "value", "level", "table_version", "studies", "review_state", "raised_at"})
                o->set(key, flag->get(key));
            list->add(o);
        }
        return json(list);
    }

    ApiResponse exportStudies() {
        require("viewer");
        auto f = studyFilter();
        const bool patients = seesPatients();
        std::string csv = "\xEF\xBB\xBF";
        std::vector<std::string> head{"study_date", "study_uid", "accession_number", "study_description", "procedure_id",
                                      "device", "operators", "shots", "fluoro_time_s", "exposure_time_s", "dap_gycm2",
                                      "kar_mgy", "source", "flags", "review_states"};
        if (patients) head.insert(head.begin() + 2, {"patient_id", "patient_name"});
        csv += csvLine(head);
        const auto rows = c_.store().studies(f);
        for (const auto& s : rows) {
            const auto v = rules::metricsOf(s.summary);
            std::string flags, states;
            for (const auto& fl : s.flags) {
                flags += (flags.empty() ? "" : " ") + fl.kind + ":" + fl.metric;
                states += (states.empty() ? "" : " ") + fl.reviewState;
            }
            std::vector<std::string> cells{s.study.studyDate, s.study.studyUid, s.study.accessionNumber,
                                           s.study.studyDescription, s.procedureId, deviceLabel(s.device),
                                           s.study.operators, num(v[0]), num(v[1]), num(v[2]), num(v[3]), num(v[4]),
                                           s.summary.source ? toString(*s.summary.source) : "", flags, states};
            if (patients) cells.insert(cells.begin() + 2, {s.study.patientId, s.study.patientName});
            csv += csvLine(cells);
        }
        trail("export", "studies.csv: " + std::to_string(rows.size()) + " studies" + (patients ? " with patient data" : ""));
        return csvResponse(csv, "fluoroaudit-studies.csv");
    }

    ApiResponse exportFlags() {
        require("viewer");
        std::string csv = "\xEF\xBB\xBF";
        csv += csvLine({"study_date", "study_uid", "procedure_id", "kind", "metric", "value", "level", "table_version",
                        "review_state", "raised_at"});
        const auto rows = flagRecords();
        for (const auto& r : rows)
            csv += csvLine({r.studyDate, r.studyUid, r.procedureId, r.flag.kind, r.flag.metric, num(r.flag.value),
                            num(r.flag.level), r.flag.tableVersion ? std::to_string(*r.flag.tableVersion) : "",
                            r.flag.reviewState, r.flag.raisedAt});
        trail("export", "flags.csv: " + std::to_string(rows.size()) + " flags");
        return csvResponse(csv, "fluoroaudit-flags.csv");
    }

    static ApiResponse csvResponse(const std::string& csv, const std::string& name) {
        ApiResponse r;
        r.contentType = "text/csv; charset=utf-8";
        r.body = csv;
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
        return r;
    }

    // -- reference levels ----------------------------------------------------------------------------

    ApiResponse levels() {
        require("viewer");
        const auto active = c_.store().activeReferenceTable();
        if (!active) throw Refusal{404, "no reference table is active"};
        Object::Ptr o = jsonObject();
        o->set("version", active->version);
        o->set("activated_at", active->activatedAt);
        o->set("source", active->source);
        o->set("csv", active->csv);
        Array::Ptr rows = new Array;
        for (const auto& row : c_.pipeline->levels().table().rows()) {
            Object::Ptr x = jsonObject();
            x->set("procedure_id", row.procedureId);
            x->set("name", row.name);
            x->set("match", row.match);
            x->set("device", row.device);
            for (auto m : rules::kMetrics)
                x->set(rules::metricName(m), row.levels[rules::index(m)] ? Var(*row.levels[rules::index(m)]) : Var());
            rows->add(x);
        }
        o->set("rows", rows);
        return json(o);
    }

    ApiResponse activate(const std::string& csv, const std::string& source, const std::string& action) {
        const auto problems = c_.pipeline->activateReferenceTable(csv, source);
        if (!problems.empty()) {
            Object::Ptr o = jsonObject();
            o->set("error", "the table has " + std::to_string(problems.size()) +
                                " problem(s); the active table is unchanged");
            Array::Ptr list = new Array;
            for (const auto& p : problems) {
                Object::Ptr x = jsonObject();
                x->set("line", p.line);
                x->set("column", p.column);
                x->set("reason", p.reason);
                x->set("message", rules::describe(p));
                list->add(x);
            }
            o->set("problems", list);
            return json(o, 422);
        }
        const int version = c_.pipeline->levels().tableVersion();
        trail(action, "version " + std::to_string(version) + " (" + source + ")");
        Object::Ptr o = jsonObject();
        o->set("version", version);
        return json(o);
    }

    ApiResponse replaceLevels() {
        auto& s = require("reviewer");
        const auto body = parseBody(r_.body);
        const std::string csv = field(body, "csv");
        const std::string name = field(body, "file_name", false);
        return activate(csv, (name.empty() ? "edited in the web UI" : "uploaded " + name) + " by " + s.username,
                        "levels-replace");
    }

    ApiResponse levelHistory() {
        require("viewer");
        Array::Ptr list = new Array;
        for (const auto& v : c_.store().referenceTableHistory()) {
            Object::Ptr x = jsonObject();
            x->set("version", v.version);
            x->set("activated_at", v.activatedAt);
            x->set("source", v.source);
            list->add(x);
        }
        return json(list);
    }

    std::optional<store::ReferenceTableVersion> version(const std::string& text) {
        int n = 0;
        if (!Poco::NumberParser::tryParse(text, n)) throw Refusal{400, "a table version is a number, not '" + text + "'"};
        for (auto& v : c_.store().referenceTableHistory())
            if (v.version == n) return v;
        return std::nullopt;
    }

    ApiResponse levelVersion(const std::string& text) {
        require("viewer");
        const auto v = version(text);
        if (!v) throw Refusal{404, "no reference table version " + text};
        Object::Ptr o = jsonObject();
        o->set("version", v->version);
        o->set("activated_at", v->activatedAt);
        o->set("source", v->source);
        o->set("csv", v->csv);
        return json(o);
    }

    ApiResponse restoreLevels() {
        auto& s = require("reviewer");
        const auto body = parseBody(r_.body);
        if (!body->has("version")) throw Refusal{400, "'version' is missing"};
        const std::string text = body->get("version").toString();
        const auto v = version(text);
        if (!v) throw Refusal{404, "no reference table version " + text};
        return activate(v->csv, "version " + text + " restored by " + s.username, "levels-restore");
    }

    // -- statistics ----------------------------------------------------------------------------------

    ApiResponse stats() {
        require("viewer");
        const bool byDevice = param(r_, "by_device") == "true";
        Array::Ptr list = new Array;
        for (const auto& row : drlAudit(c_.store(), c_.pipeline->levels(), dateParam(r_, "from"), dateParam(r_, "to"), byDevice)) {
            const auto& st = row.statistics;
            Object::Ptr o = jsonObject();
            o->set("procedure_id", row.procedureId);
            o->set("procedure_name", row.procedureName);
            if (byDevice) o->set("device", row.device);
            o->set("metric", rules::metricName(row.metric));
            o->set("n", static_cast<Poco::UInt64>(st.n));
            o->set("median", present::roundForDisplay(st.median));
            o->set("p75", present::roundForDisplay(st.p75));
            o->set("mean", present::roundForDisplay(st.mean));
            o->set("max", present::roundForDisplay(st.max));
            o->set("level", st.level ? Var(*st.level) : Var());
            o->set("median_above_level", st.medianAboveLevel);
            o->set("suggested_drl", st.suggestedDrl ? Var(present::roundForDisplay(*st.suggestedDrl)) : Var());
            o->set("no_suggestion_because", st.suggestedDrl ? Var() : Var(st.noSuggestionBecause));
            Array::Ptr values = new Array;
            for (double v : row.values) values->add(present::roundForDisplay(v));
            o->set("values", values);
            list->add(o);
        }
        return json(list);
    }

    ApiResponse monthly() {
        require("viewer");
        const auto studies = c_.store().studies(store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to")));
        std::map<std::tuple<std::string, rules::Metric, std::string>, std::vector<double>> groups;
        for (const auto& s : studies) {
            if (s.study.studyDate.size() < 7) continue;
            const auto values = rules::metricsOf(s.summary);
            for (auto m : rules::kMetrics)
                if (values[rules::index(m)])
                    groups[{s.procedureId.empty() ? "unclassified" : s.procedureId, m, s.study.studyDate.substr(0, 7)}]
                        .push_back(*values[rules::index(m)]);
        }
        Array::Ptr list = new Array;
        for (auto& [key, values] : groups) {
            Object::Ptr o = jsonObject();
            o->set("procedure_id", std::get<0>(key));
            o->set("metric", rules::metricName(std::get<1>(key)));
            o->set("month", std::get<2>(key));
            o->set("n", static_cast<Poco::UInt64>(values.size()));
            o->set("median", present::roundForDisplay(rules::percentileInc(values, 0.5)));
            list->add(o);
        }
        return json(list);
    }

    // -- devices and audit runs ----------------------------------------------------------------------

    ApiResponse devices() {
        require("viewer");
        Array::Ptr list = new Array;
        for (const auto& d : c_.store().devices()) {
            Object::Ptr o = jsonObject();
            o->set("device", d.device);
            o->set("manufacturer", d.manufacturer);
            o->set("model", d.model);
            o->set("last_object_at", d.lastObjectAt);
            o->set("studies", static_cast<Poco::UInt64>(d.studies));
            o->set("objects", static_cast<Poco::UInt64>(d.objects));
            o->set("studies_without_dose_data", static_cast<Poco::UInt64>(d.missingDose));
            list->add(o);
        }
        return json(list);
    }

    ApiResponse auditRuns() {
        require("viewer");
        Array::Ptr list = new Array;
        for (const auto& run : c_.store().auditRuns(numberParam(r_, "limit", 50, 1000))) list->add(present::auditRunToJson(run));
        return json(list);
    }

    ApiResponse auditRun(const std::string& text) {
        require("viewer");
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(text, id)) throw Refusal{400, "a run is a number, not '" + text + "'"};
        const auto run = c_.store().auditRun(id);
        if (!run) throw Refusal{404, "no audit run " + text};
        auto o = present::auditRunToJson(*run);
        Array::Ptr findings = new Array;
        for (const auto& f : c_.store().auditFindings(id)) {
            Object::Ptr x = jsonObject();
            x->set("kind", f.kind);
            x->set("study_uid", f.studyUid);
            x->set("study_date", f.studyDate);
            x->set("detail", f.detail);
            findings->add(x);
        }
        o->set("findings", findings);
        return json(o);
    }

    // -- administration ------------------------------------------------------------------------------

    static Object::Ptr userJson(const store::User& u) {
        Object::Ptr o = jsonObject();
        o->set("username", u.username);
        o->set("role", u.role);
        o->set("created_at", u.createdAt);
        o->set("disabled", u.disabled);
        return o;
    }

    ApiResponse users() {
        require("admin");
        Array::Ptr list = new Array;
        for (const auto& u : c_.store().users()) list->add(userJson(u));
        return json(list);
    }

    ApiResponse addUser() {
        require("admin");
        const auto body = parseBody(r_.body);
        store::User u;
        u.username = field(body, "username");
        u.role = field(body, "role");
        const std::string password = field(body, "password");
        if (u.username.empty() || u.username.size() > 64 ||
            u.username.find_first_of(" \t\r\n/\\") != std::string::npos)
            throw Refusal{400, "a user name has 1 to 64 characters and no spaces or slashes"};
        if (!isRole(u.role)) throw Refusal{400, "'role' is one of viewer, reviewer, admin"};
        if (auto why = passwordProblem(password); !why.empty()) throw Refusal{400, why};
        if (c_.store().user(u.username)) throw Refusal{409, "a user named '" + u.username + "' exists already"};
        u.passwordHash = hashPassword(password);
        c_.store().addUser(u);
        trail("user-add", u.username + " as " + u.role);
        return json(userJson(*c_.store().user(u.username)), 201);
    }

    ApiResponse changeUser(const std::string& name) {
        auto& s = require("admin");
        const auto body = parseBody(r_.body);
        auto u = c_.store().user(name);
        if (!u) throw Refusal{404, "no user " + name};
        std::vector<std::string> changes;
        if (body->has("role")) {
            const std::string role = field(body, "role");
            if (!isRole(role)) throw Refusal{400, "'role' is one of viewer, reviewer, admin"};
            if (name == s.username && role != "admin") throw Refusal{400, "admins cannot take their own admin role"};
            u->role = role;
            changes.push_back("role " + role);
        }
        if (body->has("password")) {
            const std::string password = field(body, "password");
            if (auto why = passwordProblem(password); !why.empty()) throw Refusal{400, why};
            u->passwordHash = hashPassword(password);
            changes.push_back("password changed");
        }
        if (body->has("disabled")) {
            const Var v = body->get("disabled");
            if (!v.isBoolean()) throw Refusal{400, "'disabled' must be true or false"};
            u->disabled = v.extract<bool>();
            if (name == s.username && u->disabled) throw Refusal{400, "admins cannot disable themselves"};
            changes.push_back(u->disabled ? "disabled" : "enabled");
        }
        if (changes.empty()) throw Refusal{400, "nothing to change: send role, password or disabled"};
        c_.store().updateUser(*u);
        if (u->disabled || body->has("password")) c_.sessions.endUser(name);
        else c_.sessions.updateRole(name, u->role);
        std::string detail = name + ":";
        for (const auto& c : changes) detail += " " + c;
        trail("user-change", detail);
        return json(userJson(*u));
    }

    ApiResponse auditTrail() {
        require("admin");
        const std::size_t pageSize = numberParam(r_, "page_size", 100, 1000), page = numberParam(r_, "page", 1, 1000000);
        Array::Ptr list = new Array;
        for (const auto& t : c_.store().trail(pageSize, (page - 1) * pageSize)) {
            Object::Ptr o = jsonObject();
            o->set("id", static_cast<Poco::Int64>(t.id));
            o->set("at", t.at);
            o->set("username", t.username);
            o->set("action", t.action);
            o->set("detail", t.detail);
            o->set("remote", t.remote);
            list->add(o);
        }
        return json(list);
    }

    ApiResponse settings() {
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
        Array::Ptr to = new Array;
        for (const auto& t : s.mail.to) to->add(t);
        o->set("mail_to", to);
        o->set("store_patient_identifiers", s.storePatientIdentifiers);
        o->set("investigation_multiplier", s.rules.investigationMultiplier);
        o->set("cumulative_window_days", s.rules.cumulativeWindowDays);
        return json(o);
    }

    Api::Context& c_;
    const ApiRequest& r_;
    std::vector<std::string> parts_;
    std::optional<Session> session_;
};

} // namespace

ApiResponse Api::handle(const ApiRequest& request) { return Handler(*context_, request).run(); }

} // namespace fa::api
