#include "core/Consistency.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace fa {

namespace {

void compare(const char* what, const char* unit, double scale, const std::optional<double>& total,
             const std::optional<double>& eventSum, WarningList& warnings) {
    if (!total || !eventSum) return;
    const double larger = std::max(std::fabs(*total), std::fabs(*eventSum));
    if (larger <= 0.0) return;
    if (std::fabs(*total - *eventSum) / larger <= kTotalsTolerance) return;
    char text[256];
    std::snprintf(text, sizeof text, "%s: total %.6g %s but the events add up to %.6g %s", what, *total * scale, unit,
                  *eventSum * scale, unit);
    warnings.add("totals-mismatch", text);
}

template <typename F> std::optional<double> sumPlanes(const DoseObject& o, F f) {
    std::optional<double> sum;
    for (const auto& p : o.planes)
        if (auto v = f(p)) sum = sum.value_or(0.0) + *v;
    return sum;
}

template <typename Select, typename Value>
std::optional<double> sumEvents(const DoseObject& o, Select select, Value value) {
    std::optional<double> sum;
    for (const auto& e : o.events)
        if (select(e.type))
            if (auto v = value(e)) sum = sum.value_or(0.0) + *v;
    return sum;
}

} // namespace

void checkTotals(const DoseObject& o, WarningList& warnings) {
    if (o.kind != SourceKind::Rdsr) return;
    if (o.planes.empty()) {
        warnings.add("missing-totals", "the report has no Accumulated X-Ray Dose Data; totals are summed from its events");
        return;
    }
    auto all = [](EventType) { return true; };
    auto fluoro = [](EventType t) { return t == EventType::Fluoroscopy; };
    auto acq = [](EventType t) { return isAcquisition(t); };
    compare("fluoroscopy time", "s", 1.0, sumPlanes(o, [](const PlaneTotals& p) { return p.fluoroTime_s; }),
            sumEvents(o, fluoro, [](const IrradiationEvent& e) { return e.duration_s(); }), warnings);
    compare("acquisition time", "s", 1.0, sumPlanes(o, [](const PlaneTotals& p) { return p.acquisitionTime_s; }),
            sumEvents(o, acq, [](const IrradiationEvent& e) { return e.duration_s(); }), warnings);
    compare("dose area product", "Gy.cm2", 1e4, sumPlanes(o, [](const PlaneTotals& p) { return p.dap_Gym2(); }),
            sumEvents(o, all, [](const IrradiationEvent& e) { return e.dap_Gym2; }), warnings);
    compare("air kerma at the reference point", "mGy", 1e3,
            sumPlanes(o, [](const PlaneTotals& p) { return p.doseRp_Gy(); }),
            sumEvents(o, all, [](const IrradiationEvent& e) { return e.doseRp_Gy; }), warnings);
    bool anyDap = false;
    for (const auto& p : o.planes) anyDap = anyDap || p.dap_Gym2().has_value();
    if (!anyDap) warnings.add("missing-totals", "the report gives no Dose Area Product Total");
}

} // namespace fa
