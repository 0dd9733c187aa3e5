// The factors that turn air kerma at the reference point into absorbed dose in the skin: published
// figures as tables, interpolated (never extrapolated: a value outside a table takes its edge).
#pragma once

#include <optional>
#include <string>

namespace fa::skin {

// Backscatter factor for a square field of side `fieldSide_cm` at the skin, a beam of `kvp`
// and `copper_mm` added copper on 3.1 mm Al inherent filtration (Benmakhlouf, Sempau, Andreo
// 2011, Med. Phys. / Phys. Med. Biol. 56 7179, table for a 15 cm water phantom).
double backscatter(double kvp, double copper_mm, double fieldSide_cm);
// Ratio of mass energy-absorption coefficients, water to air, for the same beam (same source).
double waterToAir(double kvp, double copper_mm);

// Table and mattress transmission measured for a model family, where published: Siemens Artis
// (Royal Free Hospital, Artis zeego, 2016, as openSkin tabulates it). nullopt elsewhere.
std::optional<double> measuredTableTransmission(const std::string& family, double kvp, double copper_mm);
// The transmission used where none is published, stated with a warning.
constexpr double kDefaultTableTransmission = 0.75;

} // namespace fa::skin
