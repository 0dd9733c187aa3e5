#include "core/Consistency.h"

#include "core/Totals.h"

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
    auto format = [](double v) {
        char out[32];
        std::snprintf(out, sizeof out, "%.6g", v);
        return std::string(out);
    };
    warnings.add("totals-mismatch", text("warn.totalsMismatch", {{"what", term(std::string("quantity.") + what)},
                                                                  {"total", format(*total * scale)},
                                                                  {"sum", format(*eventSum * scale)},
                                                                  {"unit", unit}}));
}

} // namespace

void checkTotals(const DoseObject& o, WarningList& warnings) {
    if (o.kind != SourceKind::Rdsr) return;
    if (o.planes.empty()) {
        warnings.add("missing-totals", text("warn.noAccumulated"));
        return;
    }
    auto duration = [](const IrradiationEvent& e) { return e.duration_s(); };
    compare("fluoroscopy time", "s", 1.0, sumOverPlanes(o, [](const PlaneTotals& p) { return p.fluoroTime_s; }),
            sumOverEvents(o, isFluoroscopy, duration), warnings);
    compare("acquisition time", "s", 1.0, sumOverPlanes(o, [](const PlaneTotals& p) { return p.acquisitionTime_s; }),
            sumOverEvents(o, isAcquisition, duration), warnings);
    compare("dose area product", "Gy.cm2", 1e4, sumOverPlanes(o, [](const PlaneTotals& p) { return p.dap_Gym2(); }),
            sumOverEvents(o, anyEvent, [](const IrradiationEvent& e) { return e.dap_Gym2; }), warnings);
    compare("air kerma at the reference point", "mGy", 1e3,
            sumOverPlanes(o, [](const PlaneTotals& p) { return p.doseRp_Gy(); }),
            sumOverEvents(o, anyEvent, [](const IrradiationEvent& e) { return e.doseRp_Gy; }), warnings);
    bool anyDap = false;
    for (const auto& p : o.planes) anyDap = anyDap || p.dap_Gym2().has_value();
    if (!anyDap) warnings.add("missing-totals", text("warn.noDapTotal"));
}

} // namespace fa
