#include "core/Units.h"

#include <array>
#include <string>

namespace fa::units {

namespace {

struct UnitRow {
    Quantity quantity;
    std::string_view unit; // normalised spelling (see normalise())
    double factor;
};

// Factors from domain.md ("Units seen in the wild") plus their obvious SI relatives.
constexpr std::array<UnitRow, 42> kUnits{{
    {Quantity::DoseAreaProduct, "Gy.m2", 1.0},
    {Quantity::DoseAreaProduct, "Gym2", 1.0},
    {Quantity::DoseAreaProduct, "dGy.m2", 1e-1},
    {Quantity::DoseAreaProduct, "cGy.m2", 1e-2},
    {Quantity::DoseAreaProduct, "mGy.m2", 1e-3},
    {Quantity::DoseAreaProduct, "uGy.m2", 1e-6},
    {Quantity::DoseAreaProduct, "Gy.cm2", 1e-4},
    {Quantity::DoseAreaProduct, "Gycm2", 1e-4},
    {Quantity::DoseAreaProduct, "dGy.cm2", 1e-5},
    {Quantity::DoseAreaProduct, "dGycm2", 1e-5},
    {Quantity::DoseAreaProduct, "cGy.cm2", 1e-6},
    {Quantity::DoseAreaProduct, "cGycm2", 1e-6},
    {Quantity::DoseAreaProduct, "mGy.cm2", 1e-7},
    {Quantity::DoseAreaProduct, "mGycm2", 1e-7},
    {Quantity::DoseAreaProduct, "uGy.cm2", 1e-10},
    {Quantity::DoseAreaProduct, "uGy.dm2", 1e-8},
    {Quantity::Dose, "Gy", 1.0},
    {Quantity::Dose, "dGy", 1e-1},
    {Quantity::Dose, "cGy", 1e-2},
    {Quantity::Dose, "mGy", 1e-3},
    {Quantity::Dose, "uGy", 1e-6},
    {Quantity::Time, "s", 1.0},
    {Quantity::Time, "ms", 1e-3},
    {Quantity::Time, "us", 1e-6},
    {Quantity::Time, "min", 60.0},
    {Quantity::Time, "h", 3600.0},
    {Quantity::Area, "m2", 1.0},
    {Quantity::Area, "dm2", 1e-2},
    {Quantity::Area, "cm2", 1e-4},
    {Quantity::Area, "mm2", 1e-6},
    {Quantity::Current, "mA", 1.0},
    {Quantity::Current, "uA", 1e-3},
    {Quantity::Current, "A", 1e3},
    {Quantity::Voltage, "kV", 1.0},
    {Quantity::Voltage, "V", 1e-3},
    {Quantity::Length, "mm", 1.0},
    {Quantity::Length, "cm", 10.0},
    {Quantity::Length, "m", 1000.0},
    {Quantity::Angle, "deg", 1.0},
    {Quantity::Rate, "{pulse}/s", 1.0},
    {Quantity::Rate, "/s", 1.0},
    {Quantity::Rate, "Hz", 1.0},
}};

// "Gy.cm^2" -> "Gy.cm2", "Gy*m2" -> "Gy.m2", "pulse/s" -> "{pulse}/s", "sec" -> "s".
std::string normalise(std::string_view unit) {
    std::string out;
    out.reserve(unit.size());
    for (std::size_t i = 0; i < unit.size(); ++i) {
        const char c = unit[i];
        if (c == ' ' || c == '^') continue;
        if (c == '*') {
            out.push_back('.');
            continue;
        }
        // U+00B7 MIDDLE DOT in UTF-8
        if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < unit.size() &&
            static_cast<unsigned char>(unit[i + 1]) == 0xB7) {
            out.push_back('.');
            ++i;
            continue;
        }
        out.push_back(c);
    }
    if (out == "pulse/s" || out == "{pulses}/s" || out == "pulses/s" || out == "{pulse}/sec") return "{pulse}/s";
    if (out == "sec") return "s";
    if (out == "msec") return "ms";
    return out;
}

} // namespace

const char* storedUnit(Quantity q) {
    switch (q) {
    case Quantity::DoseAreaProduct: return "Gy.m2";
    case Quantity::Dose: return "Gy";
    case Quantity::Time: return "s";
    case Quantity::Area: return "m2";
    case Quantity::Current: return "mA";
    case Quantity::Voltage: return "kV";
    case Quantity::Length: return "mm";
    case Quantity::Angle: return "deg";
    case Quantity::Count: return "1";
    case Quantity::Rate: return "{pulse}/s";
    }
    return "";
}

const char* quantityName(Quantity q) {
    switch (q) {
    case Quantity::DoseAreaProduct: return "dose area product";
    case Quantity::Dose: return "dose";
    case Quantity::Time: return "time";
    case Quantity::Area: return "area";
    case Quantity::Current: return "tube current";
    case Quantity::Voltage: return "tube voltage";
    case Quantity::Length: return "length";
    case Quantity::Angle: return "angle";
    case Quantity::Count: return "count";
    case Quantity::Rate: return "pulse rate";
    }
    return "";
}

std::optional<double> factorToStored(Quantity q, std::string_view unit) {
    if (q == Quantity::Count) return 1.0; // counts are written "1", "{frames}", "no units", ...
    const std::string u = normalise(unit);
    for (const auto& row : kUnits)
        if (row.quantity == q && row.unit == u) return row.factor;
    return std::nullopt;
}

} // namespace fa::units
