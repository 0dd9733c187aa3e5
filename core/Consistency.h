// Data-quality checks of one dose report against itself (domain.md, "data-quality warnings").
#pragma once

#include "core/DoseObject.h"

namespace fa {

// Relative difference above which a total and the sum of its events disagree.
constexpr double kTotalsTolerance = 0.20;

// Adds "totals-mismatch" where an accumulated total and the sum of the events differ by more than
// kTotalsTolerance, and "missing-totals" where an RDSR has no accumulated dose data. The totals are
// still used: the warning tells a physicist which figure to check.
void checkTotals(const DoseObject& object, WarningList& warnings);

} // namespace fa
