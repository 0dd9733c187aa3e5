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

} // namespace fa::units
