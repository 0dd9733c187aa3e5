#include "api/StaffResource.h"

#include "api/Http.h"
#include "core/Clock.h"
#include "present/StaffJson.h"

#include <Poco/NumberParser.h>

namespace fa::api {

using Poco::JSON::Object;
using present::jsonObject;

ApiResponse StaffResource::year() {
    require("viewer");
    int year = 0;
    const std::string given = param(r_, "year");
    if (given.empty()) year = std::stoi(nowLocalIso().substr(0, 4));
    else if (!Poco::NumberParser::tryParse(given, year) || year < 1900 || year > 9999)
        throw Refusal{400, text("request.notYear", {{"name", "year"}, {"value", given}})};
    const auto tables = c_.pipeline->staffTables();
    return json(present::staffYearJson(year, c_.pipeline->staffYear(tables, year), c_.settings.staffAnnualLevel_mSv,
                                       tables.ratesVersion, tables.profilesVersion));
}

ApiResponse StaffResource::rates() {
    require("viewer");
    const auto tables = c_.pipeline->staffTables();
    return json(present::staffRatesJson(tables.rates, tables.ratesVersion));
}

ApiResponse StaffResource::profiles() {
    require("viewer");
    const auto tables = c_.pipeline->staffTables();
    return json(present::operatorProfilesJson(tables.profiles, tables.profilesVersion));
}

ApiResponse StaffResource::replace(const std::string& kind, const std::string& action) {
    auto& s = require("reviewer");
    const auto body = parseBody(r_.body);
    const std::string csv = field(body, "csv");
    const std::string name = field(body, "file_name", false);
    const Text source = tableSource(name, s.username);
    const auto activation = c_.pipeline->activateStaffTable(kind, csv, source.english());
    if (!activation.problems.empty()) return tableProblems(activation.problems, languageOf(r_.acceptLanguage));
    if (!activation.unchanged)
        trail(action, text("trail.version", {{"version", std::to_string(activation.version)}}).with("source", source));
    Object::Ptr o = jsonObject();
    o->set("version", activation.version);
    o->set("unchanged", activation.unchanged);
    return json(o);
}

ApiResponse StaffResource::replaceRates() { return replace("rates", "staff-rates-replace"); }
ApiResponse StaffResource::replaceProfiles() { return replace("profiles", "staff-profiles-replace"); }

} // namespace fa::api
