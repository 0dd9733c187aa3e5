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
// The store of the service or command that keeps its data in `dataDir`: DATA/fluoroaudit.db, or on
// the PostgreSQL runs a database of its own for that folder (the same for every process that asks).
store::StoreLocation storeOf(const std::string& dataDir);
// "FLUOROAUDIT_STORE_URL=... FLUOROAUDIT_STORE_PASSWORD_FILE=... " that gives a command the store of
// `dataDir` on the PostgreSQL runs ("" for SQLite).
std::string storeEnvironment(const std::string& dataDir);
// Sets those variables for this process and the ones it starts (a child between fork and exec).
void exportStore(const store::StoreLocation& at);
// The command line that runs `binary` on the data folder `dataDir` and its store, as a shell runs it.
std::string command(const std::string& binary, const std::string& dataDir);
// Lines for a fluoroaudit configuration file that put its store there ("" for SQLite: the data folder).
std::string storeConfig(const TempDir& dir, const std::string& name = "fa.db");

} // namespace fa::test
