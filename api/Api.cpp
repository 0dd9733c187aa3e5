#include "api/Api.h"

#include "api/AccessResource.h"
#include "api/AdminResource.h"
#include "api/Context.h"
#include "api/Http.h"
#include "api/FhirResource.h"
#include "api/FollowUpsResource.h"
#include "api/LevelsResource.h"
#include "api/StaffResource.h"
#include "api/ReportsResource.h"
#include "api/ServiceResource.h"
#include "api/StudiesResource.h"
#include "core/Error.h"

#include <Poco/Logger.h>

#include <functional>

namespace fa::api {

namespace {

using Args = std::vector<std::string>; // the path's ":name" parts, in order
using Handler = std::function<ApiResponse(Api::Context&, const ApiRequest&, const Args&)>;

// Where a route needs the database: requests then take turns on the one connection.
enum class Db { Own, Shared };

struct Route {
    const char* method;
    std::vector<const char*> pattern; // "api", "studies", ":uid"
    Db db;
    Handler handle;
};

template <class Resource, class Method>
Handler on(Method method) {
    return [method](Api::Context& c, const ApiRequest& r, const Args& args) {
        Resource resource(c, r);
        if constexpr (std::is_invocable_v<Method, Resource&>) return (resource.*method)();
        else return (resource.*method)(args.at(0));
    };
}

const std::vector<Route>& routes() {
    using S = StudiesResource;
    using L = LevelsResource;
    using R = ReportsResource;
    using A = AdminResource;
    using T = StaffResource;
    using F = FollowUpsResource;
    static const std::vector<Route> table{
        {"GET", {"api", "health"}, Db::Own, on<ServiceResource>(&ServiceResource::health)},
        {"POST", {"api", "login"}, Db::Own, on<AccessResource>(&AccessResource::login)},
        {"POST", {"api", "logout"}, Db::Own, on<AccessResource>(&AccessResource::logout)},
        {"GET", {"api", "session"}, Db::Own, on<AccessResource>(&AccessResource::session)},
        {"GET", {"api", "studies"}, Db::Shared, on<S>(&S::studies)},
        {"GET", {"api", "studies", ":uid"}, Db::Shared, on<S>(&S::study)},
        {"POST", {"api", "studies", ":uid", "reviews"}, Db::Shared, on<S>(&S::review)},
        {"POST", {"api", "reviews"}, Db::Shared, on<S>(&S::reviewMany)},
        {"GET", {"api", "flags"}, Db::Shared, on<S>(&S::flags)},
        {"GET", {"api", "export", "studies.csv"}, Db::Shared, on<S>(&S::exportStudies)},
        {"GET", {"api", "export", "flags.csv"}, Db::Shared, on<S>(&S::exportFlags)},
        {"GET", {"api", "export", "studies.xlsx"}, Db::Shared, on<S>(&S::exportStudiesXlsx)},
        {"GET", {"api", "levels"}, Db::Shared, on<L>(&L::levels)},
        {"PUT", {"api", "levels"}, Db::Shared, on<L>(&L::replaceLevels)},
        {"GET", {"api", "levels", "history"}, Db::Shared, on<L>(&L::levelHistory)},
        {"POST", {"api", "levels", "preview"}, Db::Shared, on<L>(&L::previewLevels)},
        {"POST", {"api", "levels", "test-match"}, Db::Shared, on<L>(&L::testMatch)},
        {"GET", {"api", "levels", "descriptions"}, Db::Shared, on<L>(&L::descriptions)},
        {"GET", {"api", "levels", "history", ":version"}, Db::Shared, on<L>(&L::levelVersion)},
        {"POST", {"api", "levels", "restore"}, Db::Shared, on<L>(&L::restoreLevels)},
        {"GET", {"api", "follow-ups"}, Db::Shared, on<F>(&F::list)},
        {"GET", {"api", "follow-ups", ":uid"}, Db::Shared, on<F>(&F::one)},
        {"POST", {"api", "follow-ups", ":uid"}, Db::Shared, on<F>(&F::record)},
        {"GET", {"api", "fhir", "Observation"}, Db::Shared, on<FhirResource>(&FhirResource::search)},
        {"GET", {"api", "fhir", "Observation", ":uid"}, Db::Shared, on<FhirResource>(&FhirResource::read)},
        {"GET", {"api", "staff"}, Db::Shared, on<T>(&T::year)},
        {"GET", {"api", "staff", "rates"}, Db::Shared, on<T>(&T::rates)},
        {"PUT", {"api", "staff", "rates"}, Db::Shared, on<T>(&T::replaceRates)},
        {"GET", {"api", "staff", "profiles"}, Db::Shared, on<T>(&T::profiles)},
        {"PUT", {"api", "staff", "profiles"}, Db::Shared, on<T>(&T::replaceProfiles)},
        {"GET", {"api", "stats"}, Db::Shared, on<R>(&R::stats)},
        {"GET", {"api", "stats", "monthly"}, Db::Shared, on<R>(&R::monthly)},
        {"GET", {"api", "stats", "sites"}, Db::Shared, on<R>(&R::survey)},
        {"GET", {"api", "sites"}, Db::Shared, on<R>(&R::sites)},
        {"GET", {"api", "devices"}, Db::Shared, on<R>(&R::devices)},
        {"GET", {"api", "overview"}, Db::Shared, on<R>(&R::overview)},
        {"GET", {"api", "audit-runs"}, Db::Shared, on<R>(&R::auditRuns)},
        {"GET", {"api", "audit-runs", ":id"}, Db::Shared, on<R>(&R::auditRun)},
        {"GET", {"api", "audit-runs", ":id", "report"}, Db::Shared, on<R>(&R::auditRunReport)},
        {"GET", {"api", "users"}, Db::Shared, on<A>(&A::users)},
        {"POST", {"api", "users"}, Db::Shared, on<A>(&A::addUser)},
        {"PATCH", {"api", "users", ":name"}, Db::Shared, on<A>(&A::changeUser)},
        {"GET", {"api", "audit-trail"}, Db::Shared, on<A>(&A::auditTrail)},
        {"GET", {"api", "settings"}, Db::Shared, on<A>(&A::settings)},
    };
    return table;
}

bool matches(const Route& route, const ApiRequest& r, const std::vector<std::string>& parts, Args& args) {
    if (r.method != route.method || parts.size() != route.pattern.size()) return false;
    args.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (route.pattern[i][0] == ':') args.push_back(parts[i]);
        else if (parts[i] != route.pattern[i]) return false;
    }
    return true;
}

ApiResponse route(Api::Context& c, const ApiRequest& r) {
    if (r.path == "/metrics" && r.method == "GET") return ServiceResource(c, r).metrics();
    const auto parts = splitPath(r.path);
    Args args;
    for (const auto& route : routes()) {
        if (!matches(route, r, parts, args)) continue;
        if (route.db == Db::Own) return route.handle(c, r, args);
        std::lock_guard<std::mutex> lock(c.db);
        c.pipeline->refreshReferenceTable();
        return route.handle(c, r, args);
    }
    throw Refusal{404, text("request.noRoute", {{"route", r.method + " " + r.path}})};
}

} // namespace

Api::Api(const Settings& settings, ServiceProbe probe)
    : context_(std::make_unique<Context>(settings, std::move(probe))) {}

Api::~Api() = default;

bool Api::handles(const std::string& path) { return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/metrics"; }

ApiResponse Api::handle(const ApiRequest& request) {
    try {
        return route(*context_, request);
    } catch (const Refusal& refusal) {
        return error(refusal.status, refusal.message, languageOf(request.acceptLanguage));
    } catch (const Error& e) {
        context_->log.error("%s %s: %s", request.method, request.path, std::string(e.what()));
        return error(500, text("request.internal", {{"reason", e.what()}}), languageOf(request.acceptLanguage));
    } catch (const std::exception& e) {
        context_->log.error("%s %s: %s", request.method, request.path, std::string(e.what()));
        return error(500, text("request.internal", {{"reason", e.what()}}), languageOf(request.acceptLanguage));
    }
}

} // namespace fa::api
