// Where a test keeps its store: a SQLite file in its folder, or, when ctest runs the binary against
// PostgreSQL (FA_TEST_POSTGRES names the folder tests/support/postgres.sh started a server in), a
// database of its own on that server.
#pragma once

#include "store/StudyStore.h"
#include "tests/support/TempDir.h"

#include <string>

namespace fa::test {

// True when this run is against PostgreSQL.
bool onPostgres();
// The store called `name` of the test that owns `dir`: the same location each time it is asked for.
store::StoreLocation storeIn(const TempDir& dir, const std::string& name = "fa.db");
// Points a host's [store] settings (pipeline/Settings.h StoreSettings) at the store of the test
// that owns `dir`; nothing for SQLite, which lives in the data folder.
template <class StoreSettings>
void placeStore(StoreSettings& settings, const TempDir& dir) {
    if (!onPostgres()) return;
    const store::StoreLocation at = storeIn(dir);
    settings.url = at.where;
    settings.passwordFile = at.passwordFile;
}
// Runs `sql` on the PostgreSQL database at `at` (what a test does behind the store's back).
void runOnPostgres(const store::StoreLocation& at, const std::string& sql);
// Lines for a fluoroaudit configuration file that put its store there ("" for SQLite: the data folder).
std::string storeConfig(const TempDir& dir, const std::string& name = "fa.db");

} // namespace fa::test
