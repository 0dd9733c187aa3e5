// The store's integrity check as its hosts run it (`fluoroaudit check-store`, the nightly audit),
// and what the last check found, which /api/health reports until the next one.
#pragma once

#include "pipeline/Settings.h"
#include "store/StudyStore.h"

#include <string>

namespace fa {

// Checks `store` and records the outcome in the data folder (integrity.txt). Throws fa::Error when
// the database cannot be read at all.
store::IntegrityReport checkStore(store::StudyStore& store, const Settings& settings);

// The report as lines for a person: what was checked, each problem with its table, what to do.
std::string describe(const store::IntegrityReport& report);

// Why the last recorded check found the database damaged (with when it ran and the tables); ""
// when no check was recorded or the last found none.
std::string recordedDamage(const Settings& settings);

} // namespace fa
