#include "rules/PatientDose.h"

#include "core/Error.h"
#include "rules/BuiltInStaffTables.h"
#include "rules/CsvRecords.h"

#include <Poco/String.h>

namespace fa::rules {

namespace {

const std::vector<std::string> kColumns = {"device", "intensifier", "distance_cm", "rate_usv_per_h", "source"};

} // namespace

std::optional<SurfaceRates> SurfaceRates::parse(std::string_view text, std::vector<TableProblem>& problems) {
    SurfaceRates table;
    const bool ok = csv::eachRow(text, kColumns, {"intensifier", "distance_cm", "rate_usv_per_h"}, problems,
                                 [&](const csv::Record& rec, const std::vector<int>& position) {
        SurfaceRate row;
        row.line = rec.line;
        row.device = csv::cell(rec, position[0]);
        const std::string intensifier = Poco::toLower(csv::cell(rec, position[1]));
        if (intensifier == "above") row.intensifier = Intensifier::Above;
        else if (intensifier == "below") row.intensifier = Intensifier::Below;
        else problems.push_back({rec.line, "intensifier", fa::text("staff.intensifier", {{"value", csv::cell(rec, position[1])}})});
        for (auto [column, value] : {std::pair<int, double*>{2, &row.distance_cm}, {3, &row.rate_uSv_per_h}}) {
            const std::string cell = csv::cell(rec, position[static_cast<std::size_t>(column)]);
            if (cell.empty()) problems.push_back({rec.line, kColumns[static_cast<std::size_t>(column)], fa::text("table.emptyCell")});
            else if (auto v = csv::number(cell, rec.line, kColumns[static_cast<std::size_t>(column)], problems)) *value = *v;
        }
        row.source = csv::cell(rec, position[4]);
        table.rows_.push_back(row);
    });
    if (!ok) return std::nullopt;
    return table;
}

const SurfaceRate* SurfaceRates::rateFor(const DeviceInfo& device, Intensifier intensifier, double distance_cm) const {
    for (const bool own : {true, false})
        for (const auto& r : rows_)
            if (r.device.empty() != own && (!own || csv::deviceMatches(r.device, &device)) && r.intensifier == intensifier &&
                r.distance_cm == distance_cm)
                return &r;
    return nullptr;
}

const SurfaceRates& builtInSurfaceRates() {
    static const SurfaceRates rates = [] {
        std::vector<TableProblem> problems;
        auto table = SurfaceRates::parse(kBuiltInSurfaceRates, problems);
        if (!table) throw Error("the shipped table-surface rates do not read: " + describe(problems.front()));
        return *table;
    }();
    return rates;
}

PatientEstimate estimatePatientDose(const DeviceInfo& device, std::optional<double> exposureTime_s,
                                    const DeviceProfile* profile, const SurfaceRates& rates) {
    PatientEstimate e;
    e.exposureTime_s = exposureTime_s;
    if (profile) {
        e.profile = profile->name;
        e.intensifier = profile->intensifier;
        e.distance_cm = profile->intensifierDistance_cm;
    }
    if (profile && profile->doseRate_uSv_per_h > 0) {
        e.measuredOnDevice = true;
        e.rate_uSv_per_h = profile->doseRate_uSv_per_h;
        e.source = "[device_profile." + profile->name + "] dose_rate_usv_per_h";
    } else if (const SurfaceRate* r = rates.rateFor(device, e.intensifier, e.distance_cm)) {
        e.rate_uSv_per_h = r->rate_uSv_per_h;
        e.source = r->source;
    } else {
        e.missing = "rate";
    }
    if (e.missing.empty() && !exposureTime_s) e.missing = "exposure-time";
    if (e.missing.empty()) e.dose_uSv = *exposureTime_s / 3600.0 * *e.rate_uSv_per_h;
    return e;
}

} // namespace fa::rules
