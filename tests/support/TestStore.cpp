#include "tests/support/TestStore.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace fa::test {

namespace {

std::string stateFile(const char* name) {
    const char* state = std::getenv("FA_TEST_POSTGRES");
    std::ifstream in(std::string(state) + "/" + name);
    std::string line;
    if (!std::getline(in, line))
        throw std::runtime_error(std::string("FA_TEST_POSTGRES is set but ") + state + "/" + name +
                                 " is missing: the Postgres.Start test did not run (ctest starts it)");
    return line;
}

// The URL with its database replaced by `db`.
std::string withDatabase(const std::string& url, const std::string& db) {
    return url.substr(0, url.rfind('/') + 1) + db;
}

// Runs `sql` on the database of `url`; false with `why` when the server refused it.
bool run(const std::string& url, const std::string& password, const std::string& sql, std::string& why) {
    const char* keys[] = {"dbname", "password", nullptr};
    const char* values[] = {url.c_str(), password.c_str(), nullptr};
    std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdbParams(keys, values, 1), PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error("cannot connect to the test PostgreSQL: " + std::string(PQerrorMessage(conn.get())));
    PGresult* r = PQexec(conn.get(), sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    why = PQresultErrorMessage(r);
    PQclear(r);
    return ok;
}

void createDatabase(const std::string& url, const std::string& password, const std::string& db) {
    std::string why;
    if (!run(url, password, "CREATE DATABASE \"" + db + "\"", why) && why.find("already exists") == std::string::npos)
        throw std::runtime_error("cannot create the test database " + db + ": " + why);
}

std::string databaseName(const TempDir& dir, const std::string& name) {
    std::string db = "fa_";
    for (char c : dir.path().filename().string() + "_" + name)
        db += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_';
    return db;
}

} // namespace

bool onPostgres() { return std::getenv("FA_TEST_POSTGRES") != nullptr; }

store::StoreLocation storeIn(const TempDir& dir, const std::string& name) {
    if (!onPostgres()) return store::StoreLocation(dir.file(name));
    const std::string url = stateFile("url");
    const std::string db = databaseName(dir, name);
    createDatabase(url, stateFile("password"), db);
    return store::StoreLocation(withDatabase(url, db), std::string(std::getenv("FA_TEST_POSTGRES")) + "/password");
}

void runOnPostgres(const store::StoreLocation& at, const std::string& sql) {
    std::string why;
    if (!run(at.where, stateFile("password"), sql, why)) throw std::runtime_error(sql + ": " + why);
}

std::string storeConfig(const TempDir& dir, const std::string& name) {
    if (!onPostgres()) return "";
    const store::StoreLocation at = storeIn(dir, name);
    return "[store]\nurl = " + at.where + "\npassword_file = " + at.passwordFile + "\n";
}

} // namespace fa::test
