#include "rules/StaffDose.h"

#include "rules/CsvRecords.h"
#include "rules/Statistics.h"

#include "rules/BuiltInStaffTables.h"

#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace fa::rules {

namespace {

const std::pair<Protection, const char*> kProtections[] = {{Protection::None, "none"},
                                                           {Protection::Apron, "apron"},
                                                           {Protection::ScreenCentre, "screen-centre"},
                                                           {Protection::ScreenEdge, "screen-edge"},
                                                           {Protection::OutsideScreen, "outside-screen"}};

const std::vector<std::string> kRateColumns = {"device", "distance_m", "protection", "intensifier", "rate_usv_per_h", "source"};
const std::vector<std::string> kProfileColumns = {"operator", "distance_m", "protection", "intensifier"};

// Distance, protection and intensifier of a record whose columns start at `first` in `position`.
std::optional<Position> parsePosition(const csv::Record& rec, const std::vector<int>& position, std::size_t first,
                                      std::vector<TableProblem>& problems) {
    const std::size_t before = problems.size();
    Position p;
    const std::string distance = csv::cell(rec, position[first]);
    if (distance.empty()) problems.push_back({rec.line, "distance_m", text("table.emptyCell")});
    else if (const auto d = csv::number(distance, rec.line, "distance_m", problems)) p.distance_m = *d;
    const std::string protection = Poco::toLower(csv::cell(rec, position[first + 1]));
    if (const auto named = protectionNamed(protection)) p.protection = *named;
    else
        problems.push_back({rec.line, "protection",
                            text("staff.protection", {{"value", csv::cell(rec, position[first + 1])}})});
    const std::string intensifier = Poco::toLower(csv::cell(rec, position[first + 2]));
    if (intensifier == "above") p.intensifier = Intensifier::Above;
    else if (intensifier == "below") p.intensifier = Intensifier::Below;
    else if (!intensifier.empty())
        problems.push_back({rec.line, "intensifier",
                            text("staff.intensifier", {{"value", csv::cell(rec, position[first + 2])}})});
    if (problems.size() != before) return std::nullopt;
    return p;
}

bool samePlace(const Position& a, const Position& b) {
    return a.distance_m == b.distance_m && a.protection == b.protection &&
           (a.intensifier == Intensifier::Any || b.intensifier == Intensifier::Any || a.intensifier == b.intensifier);
}

std::string positionCells(const Position& p) {
    return csv::formatted(p.distance_m) + "," + protectionName(p.protection) + "," + intensifierName(p.intensifier);
}

} // namespace

const char* protectionName(Protection p) {
    for (const auto& [value, name] : kProtections)
        if (value == p) return name;
    return "none";
}

const char* intensifierName(Intensifier i) {
    return i == Intensifier::Above ? "above" : i == Intensifier::Below ? "below" : "";
}

std::optional<Protection> protectionNamed(const std::string& name) {
    for (const auto& [value, n] : kProtections)
        if (name == n) return value;
    return std::nullopt;
}

std::optional<StaffRates> StaffRates::parse(std::string_view text, std::vector<TableProblem>& problems) {
    StaffRates table;
    std::set<std::string> seen;
    const bool ok = csv::eachRow(text, kRateColumns, {"distance_m", "protection", "rate_usv_per_h"}, problems,
                            [&](const csv::Record& rec, const std::vector<int>& position) {
        StaffRate row;
        row.line = rec.line;
        row.device = csv::cell(rec, position[0]);
        row.source = csv::cell(rec, position[5]);
        const auto place = parsePosition(rec, position, 1, problems);
        const std::string rate = csv::cell(rec, position[4]);
        if (rate.empty()) problems.push_back({rec.line, "rate_usv_per_h", fa::text("table.emptyCell")});
        else if (const auto v = csv::number(rate, rec.line, "rate_usv_per_h", problems)) row.rate_uSv_per_h = *v;
        if (!place) return;
        row.position = *place;
        const std::string key = Poco::UTF8::toLower(row.device) + "," + positionCells(row.position);
        if (!seen.insert(key).second) problems.push_back({rec.line, "", fa::text("staff.duplicateRate")});
        table.rows_.push_back(row);
    });
    if (!ok) return std::nullopt;
    return table;
}

const StaffRate* StaffRates::rateFor(const DeviceInfo& device, const Position& position) const {
    for (const bool own : {true, false}) {
        // Where the position leaves the intensifier open, the higher of the rates that fit.
        const StaffRate* best = nullptr;
        for (const auto& r : rows_)
            if (r.device.empty() != own && (!own || csv::deviceMatches(r.device, &device)) && samePlace(r.position, position) &&
                (!best || r.rate_uSv_per_h > best->rate_uSv_per_h))
                best = &r;
        if (best) return best;
    }
    return nullptr;
}

std::string StaffRates::toCsv() const {
    // The source column only where a row has one: a table written back is the table read.
    const bool sources = std::any_of(rows_.begin(), rows_.end(), [](const StaffRate& r) { return !r.source.empty(); });
    std::string out = std::string("device,distance_m,protection,intensifier,rate_usv_per_h") + (sources ? ",source" : "") + "\n";
    for (const auto& r : rows_)
        out += csv::quoted(r.device) + "," + positionCells(r.position) + "," + csv::formatted(r.rate_uSv_per_h) +
               (sources ? "," + csv::quoted(r.source) : std::string()) + "\n";
    return out;
}

std::optional<OperatorProfiles> OperatorProfiles::parse(std::string_view text, std::vector<TableProblem>& problems) {
    OperatorProfiles table;
    std::set<std::string> seen;
    const bool ok = csv::eachRow(text, kProfileColumns, {"operator", "distance_m", "protection"}, problems,
                            [&](const csv::Record& rec, const std::vector<int>& position) {
        OperatorProfile row;
        row.line = rec.line;
        row.operatorName = operatorKey(csv::cell(rec, position[0]));
        const auto place = parsePosition(rec, position, 1, problems);
        if (!place) return;
        row.position = *place;
        if (!seen.insert(Poco::UTF8::toLower(row.operatorName)).second)
            problems.push_back({rec.line, "operator", fa::text("staff.duplicateOperator", {{"value", row.operatorName}})});
        table.rows_.push_back(row);
    });
    if (!ok) return std::nullopt;
    return table;
}

const OperatorProfile* OperatorProfiles::profileOf(const std::string& operatorName) const {
    const std::string key = Poco::UTF8::toLower(operatorKey(operatorName));
    const OperatorProfile* everyone = nullptr;
    for (const auto& p : rows_) {
        if (p.operatorName.empty()) everyone = &p;
        else if (!key.empty() && Poco::UTF8::toLower(p.operatorName) == key) return &p;
    }
    return everyone;
}

std::string OperatorProfiles::toCsv() const {
    std::string out = "operator,distance_m,protection,intensifier\n";
    for (const auto& p : rows_) out += csv::quoted(p.operatorName) + "," + positionCells(p.position) + "\n";
    return out;
}

const char* builtInStaffRates() { return kBuiltInStaffRates; }
const char* builtInOperatorProfiles() { return kBuiltInOperatorProfiles; }

std::string operatorKey(const std::string& name) {
    std::string out;
    for (char c : name) {
        const char d = c == '^' ? ' ' : c;
        if (d == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += d;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::string> operatorsOf(const std::string& operators) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= operators.size()) {
        const std::size_t end = operators.find(';', start);
        const std::string name = operatorKey(Poco::trim(operators.substr(start, end == std::string::npos ? std::string::npos : end - start)));
        if (!name.empty() && seen.insert(Poco::UTF8::toLower(name)).second) out.push_back(name);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

std::vector<StaffEstimate> estimateStaffDose(const std::string& operators, const DeviceInfo& device,
                                             std::optional<double> exposureTime_s, const StaffRates& rates,
                                             const OperatorProfiles& profiles) {
    std::vector<std::string> names = operatorsOf(operators);
    if (names.empty()) names.emplace_back();
    std::vector<StaffEstimate> out;
    for (const auto& name : names) {
        StaffEstimate e;
        e.operatorName = name;
        e.exposureTime_s = exposureTime_s;
        const OperatorProfile* profile = profiles.profileOf(name);
        if (!profile) {
            e.missing = "profile";
        } else {
            e.position = profile->position;
            e.defaultProfile = profile->operatorName.empty();
            if (const StaffRate* rate = rates.rateFor(device, profile->position)) e.rate_uSv_per_h = rate->rate_uSv_per_h;
            else e.missing = "rate";
        }
        if (e.missing.empty() && !exposureTime_s) e.missing = "exposure-time";
        if (e.missing.empty()) e.dose_uSv = *exposureTime_s / 3600.0 * *e.rate_uSv_per_h;
        out.push_back(std::move(e));
    }
    return out;
}

StaffYear staffYear(const std::vector<StaffStudy>& studies, const StaffRates& rates, const OperatorProfiles& profiles) {
    std::map<std::string, OperatorYear> byKey;
    std::map<std::string, std::vector<double>> byProcedure;
    for (const auto& s : studies) {
        if (s.studyDate.size() < 7) continue;
        const int month = std::atoi(s.studyDate.substr(5, 2).c_str());
        if (month < 1 || month > 12) continue;
        const auto m = static_cast<std::size_t>(month - 1);
        for (const auto& e : estimateStaffDose(s.operators, s.device, s.exposureTime_s, rates, profiles)) {
            OperatorYear& y = byKey[Poco::UTF8::toLower(e.operatorName)];
            if (y.operatorName.empty()) y.operatorName = e.operatorName;
            ++y.studies[m];
            if (!e.dose_uSv) {
                ++y.withoutEstimate;
                continue;
            }
            byProcedure[s.procedureId].push_back(*e.dose_uSv);
            y.month_uSv[m] += *e.dose_uSv;
            y.total_uSv += *e.dose_uSv;
        }
    }
    StaffYear out;
    for (auto& [key, y] : byKey) out.operators.push_back(std::move(y));
    std::stable_sort(out.operators.begin(), out.operators.end(),
                     [](const OperatorYear& a, const OperatorYear& b) { return a.total_uSv > b.total_uSv; });
    for (const auto& [procedure, values] : byProcedure) {
        const MetricStatistics st = statisticsOf(values, std::nullopt);
        out.procedures.push_back({procedure, st.n, st.mean, st.median, st.max});
    }
    return out;
}

} // namespace fa::rules
