// Units seen in real dose reports and their factors to the units fluoroaudit stores.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fa::units {

// What a numeric concept measures; each has one stored unit.
enum class Quantity {
    DoseAreaProduct, // stored in Gy.m2
    Dose,            // Gy
    Time,            // s
    Area,            // m2
    Current,         // mA
    Voltage,         // kV
    Length,          // mm
    Angle,           // deg
    Count,           // 1
    Rate,            // 1/s
};

const char* storedUnit(Quantity q);
const char* quantityName(Quantity q); // "dose area product", "dose", ...

// Factor that turns a value written in `unit` (a UCUM code as vendors write it: "Gy.m2", "Gym2",
// "dGy.cm2", "Gy.cm^2", "mGy", "ms", "min", ...) into the stored unit of `q`.
// nullopt when the unit is not one of `q`'s.
std::optional<double> factorToStored(Quantity q, std::string_view unit);

// The display units people read (and reference levels are written in): stored SI values are
// converted at the edges, here only.
constexpr double kGycm2PerGym2 = 1e4;
constexpr double kMilliGrayPerGray = 1e3;
constexpr double kCm2PerM2 = 1e4;
inline double toGycm2(double dap_Gym2) { return dap_Gym2 * kGycm2PerGym2; }
inline double toMilliGray(double dose_Gy) { return dose_Gy * kMilliGrayPerGray; }
inline double toCm2(double area_m2) { return area_m2 * kCm2PerM2; }
inline std::optional<double> toGycm2(const std::optional<double>& v) { return v ? std::optional(toGycm2(*v)) : std::nullopt; }
inline std::optional<double> toMilliGray(const std::optional<double>& v) {
    return v ? std::optional(toMilliGray(*v)) : std::nullopt;
}
inline std::optional<double> toCm2(const std::optional<double>& v) { return v ? std::optional(toCm2(*v)) : std::nullopt; }

} // namespace fa::units
