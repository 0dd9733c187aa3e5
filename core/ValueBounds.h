// The physical bounds of every figure a dose object carries. A value outside them, or not a
// finite number, is a fault of the sender (a unit written wrongly, an overflow, a test value),
// not a measurement: it is dropped with a "value-invalid" warning naming the field and the value,
// so that summaries, flags, statistics and JSON never see it.
#pragma once

#include "core/DoseObject.h"

namespace fa {

struct Bounds {
    double min, max; // inclusive, in the stored (SI) unit
};

namespace bounds {
constexpr Bounds kDap_Gym2{0, 1};           // 10,000 Gy·cm²
constexpr Bounds kDose_Gy{0, 100};          // Ka,r
constexpr Bounds kTime_s{0, 86400};         // a day
constexpr Bounds kVoltage_kV{0, 1000};
constexpr Bounds kCurrent_mA{0, 10000};
constexpr Bounds kCount{0, 1e7};            // pulses, frames, exposures
constexpr Bounds kRate_per_s{0, 1000};
constexpr Bounds kArea_m2{0, 1};
constexpr Bounds kAngle_deg{-360, 360};
} // namespace bounds

// Drops every value of `object` outside its bounds, adding one warning per field and value.
void dropInvalidValues(DoseObject& object, WarningList& warnings);

} // namespace fa
