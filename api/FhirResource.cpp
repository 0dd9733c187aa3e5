#include "api/FhirResource.h"

#include "api/Http.h"
#include "present/Fhir.h"
#include "present/Json.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <cctype>

namespace fa::api {

namespace {

const char* const kFhirJson = "application/fhir+json; charset=utf-8";

ApiResponse fhirJson(const Poco::JSON::Object::Ptr& o, int status = 200) {
    ApiResponse a = json(o, status);
    a.contentType = kFhirJson;
    return a;
}

// A refusal as FHIR answers one: an OperationOutcome.
struct FhirRefusal {
    int status;
    std::string code, text;
};

std::string shifted(const std::string& day, int days) {
    const Poco::DateTime d(std::stoi(day.substr(0, 4)), std::stoi(day.substr(5, 2)), std::stoi(day.substr(8, 2)));
    return Poco::DateTimeFormatter::format(d + Poco::Timespan(days, 0, 0, 0, 0), "%Y-%m-%d");
}

bool isDay(const std::string& v) {
    if (v.size() < 10 || v[4] != '-' || v[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (v[i] < '0' || v[i] > '9') return false;
    const int month = std::stoi(v.substr(5, 2)), day = std::stoi(v.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= Poco::DateTime::daysOfMonth(std::stoi(v.substr(0, 4)), month);
}

// FHIR's date search on the study's date: prefixes ge, gt, le, lt, eq (or none), a day or a
// dateTime (its day counts).
void applyDate(const std::string& value, store::StudyFilter& f) {
    std::string prefix = value.size() > 2 && std::isalpha(static_cast<unsigned char>(value[0])) ? value.substr(0, 2) : "eq";
    const std::string day = value.substr(prefix == "eq" && !std::isalpha(static_cast<unsigned char>(value[0])) ? 0 : 2);
    if (!isDay(day))
        throw FhirRefusal{400, "value", "date '" + value + "' is not a FHIR date search (e.g. ge2026-01-01, le2026-01-31)"};
    const std::string d = day.substr(0, 10);
    auto raiseFrom = [&](const std::string& x) { if (f.fromDate.empty() || x > f.fromDate) f.fromDate = x; };
    auto lowerTo = [&](const std::string& x) { if (f.toDate.empty() || x < f.toDate) f.toDate = x; };
    if (prefix == "ge") raiseFrom(d);
    else if (prefix == "gt") raiseFrom(shifted(d, 1));
    else if (prefix == "le") lowerTo(d);
    else if (prefix == "lt") lowerTo(shifted(d, -1));
    else if (prefix == "eq") {
        raiseFrom(d);
        lowerTo(d);
    } else {
        throw FhirRefusal{400, "not-supported", "date prefix '" + prefix + "' is not supported: ge, gt, le, lt or eq"};
    }
}

std::string baseOf(const Settings& s) {
    const std::string web = webAddress(s);
    return (web.empty() ? std::string("/") : web) + "api/fhir";
}

} // namespace

ApiResponse FhirResource::search() {
    require("viewer");
    try {
        const bool patients = c_.settings.storePatientIdentifiers && seesPatients();
        store::StudyFilter f;
        for (const auto& [k, v] : r_.queryList)
            if (k != "study" && k != "date" && k != "_count" && k != "_offset" && k != "_format")
                throw FhirRefusal{400, "not-supported", "search parameter '" + k + "' is not supported: study, date, _count, _offset"};
        const std::string study = param(r_, "study");
        for (const auto& d : params(r_, "date")) applyDate(d, f);
        const std::size_t count = numberParam(r_, "_count", 50, 500), offset = numberParam(r_, "_offset", 0, 100000000);
        std::vector<Poco::JSON::Object::Ptr> found;
        std::size_t total = 0;
        if (!study.empty()) {
            if (const auto record = c_.store().study(study);
                record && (f.fromDate.empty() || record->study.studyDate >= f.fromDate) &&
                (f.toDate.empty() || (!record->study.studyDate.empty() && record->study.studyDate <= f.toDate))) {
                total = 1;
                const auto objects = c_.store().objectsOf(study);
                if (offset == 0 && count > 0) found.push_back(present::fhirObservation({&*record, &objects, patients}));
            }
        } else {
            f.sort = "date";
            f.limit = count;
            f.offset = offset;
            total = c_.store().countStudies(f);
            for (const auto& record : c_.store().studies(f)) {
                const auto objects = c_.store().objectsOf(record.study.studyUid);
                found.push_back(present::fhirObservation({&record, &objects, patients}));
            }
        }
        const std::string base = baseOf(c_.settings);
        std::string query;
        for (const auto& [k, v] : r_.queryList) {
            if (k == "_offset") continue;
            std::string value;
            Poco::URI::encode(v, "&=+#", value);
            query += (query.empty() ? "" : "&") + k + "=" + value;
        }
        auto at = [&](std::size_t o) { return base + "/Observation?" + query + (query.empty() ? "" : "&") + "_offset=" + std::to_string(o); };
        return fhirJson(present::fhirSearchBundle(found, base, at(offset), total, offset + count < total ? at(offset + count) : ""));
    } catch (const FhirRefusal& r) {
        return fhirJson(present::fhirOutcome(r.code, r.text), r.status);
    }
}

ApiResponse FhirResource::read(const std::string& uid) {
    require("viewer");
    const auto record = c_.store().study(uid);
    if (!record) return fhirJson(present::fhirOutcome("not-found", "no study " + uid), 404);
    const auto objects = c_.store().objectsOf(uid);
    return fhirJson(present::fhirObservation({&*record, &objects, c_.settings.storePatientIdentifiers && seesPatients()}));
}

} // namespace fa::api
