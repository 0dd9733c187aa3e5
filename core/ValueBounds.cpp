#include "core/ValueBounds.h"

#include <cmath>
#include <sstream>

namespace fa {

namespace {

std::string format(double v) {
    std::ostringstream out;
    out.precision(6);
    out << v;
    return out.str();
}

// Checks one value; `what` names the field for the warning, `unit` its stored unit.
void check(std::optional<double>& v, Bounds b, const char* what, const char* unit, WarningList& w) {
    if (!v || (std::isfinite(*v) && *v >= b.min && *v <= b.max)) return;
    w.add("value-invalid", text("warn.impossible", {{"what", term(std::string("field.") + what)},
                                                     {"value", format(*v)},
                                                     {"unit", unit},
                                                     {"min", format(b.min)},
                                                     {"max", format(b.max)}}));
    v.reset();
}

void checkEvent(IrradiationEvent& e, WarningList& w) {
    using namespace bounds;
    check(e.dap_Gym2, kDap_Gym2, "event Dose Area Product", "Gy.m2", w);
    check(e.doseRp_Gy, kDose_Gy, "event Dose (RP)", "Gy", w);
    check(e.kvp_kV, kVoltage_kV, "event KVP", "kV", w);
    check(e.tubeCurrent_mA, kCurrent_mA, "event X-Ray Tube Current", "mA", w);
    check(e.pulses, kCount, "event Number of Pulses", "", w);
    check(e.pulseRate_per_s, kRate_per_s, "event Pulse Rate", "/s", w);
    check(e.irradiationDuration_s, kTime_s, "event Irradiation Duration", "s", w);
    check(e.exposureTime_s, kTime_s, "event Exposure Time", "s", w);
    check(e.fieldArea_m2, kArea_m2, "event Collimated Field Area", "m2", w);
    check(e.primaryAngle_deg, kAngle_deg, "event Positioner Primary Angle", "deg", w);
    check(e.secondaryAngle_deg, kAngle_deg, "event Positioner Secondary Angle", "deg", w);
    check(e.frames, kCount, "event frames", "", w);
}

void checkPlane(PlaneTotals& p, WarningList& w) {
    using namespace bounds;
    check(p.dapTotal_Gym2, kDap_Gym2, "Dose Area Product Total", "Gy.m2", w);
    check(p.doseRpTotal_Gy, kDose_Gy, "Dose (RP) Total", "Gy", w);
    check(p.fluoroDapTotal_Gym2, kDap_Gym2, "Fluoro Dose Area Product Total", "Gy.m2", w);
    check(p.fluoroDoseRpTotal_Gy, kDose_Gy, "Fluoro Dose (RP) Total", "Gy", w);
    check(p.acquisitionDapTotal_Gym2, kDap_Gym2, "Acquisition Dose Area Product Total", "Gy.m2", w);
    check(p.acquisitionDoseRpTotal_Gy, kDose_Gy, "Acquisition Dose (RP) Total", "Gy", w);
    check(p.fluoroTime_s, kTime_s, "Total Fluoro Time", "s", w);
    check(p.acquisitionTime_s, kTime_s, "Total Acquisition Time", "s", w);
    check(p.frames, kCount, "total frames", "", w);
}

} // namespace

void dropInvalidValues(DoseObject& o, WarningList& w) {
    using namespace bounds;
    for (auto& e : o.events) checkEvent(e, w);
    for (auto& p : o.planes) checkPlane(p, w);
    if (o.vendor) {
        check(o.vendor->exposures, kCount, "summary exposures", "", w);
        check(o.vendor->fluoroTime_s, kTime_s, "summary fluoroscopy time", "s", w);
        check(o.vendor->dap_Gym2, kDap_Gym2, "summary Dose Area Product", "Gy.m2", w);
        check(o.vendor->doseRp_Gy, kDose_Gy, "summary air kerma", "Gy", w);
    }
    check(o.headerFluoroTime_s, kTime_s, "Total Time of Fluoroscopy", "s", w);
    check(o.headerExposures, kCount, "Total Number of Exposures", "", w);
}

} // namespace fa
