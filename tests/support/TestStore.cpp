#include "tests/support/TestStore.h"

#include "tests/support/Run.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

store::StoreLocation storeOf(const std::string& dataDir) {
    if (!onPostgres()) return store::StoreLocation(dataDir + "/fluoroaudit.db");
    std::uint64_t hash = 14695981039346656037ull; // FNV-1a: the same name in every process
    std::filesystem::path folder = std::filesystem::absolute(dataDir).lexically_normal();
    if (!folder.has_filename()) folder = folder.parent_path(); // "DIR/" is DIR
    for (unsigned char c : folder.string()) hash = (hash ^ c) * 1099511628211ull;
    char db[32];
    std::snprintf(db, sizeof db, "fa_data_%016llx", static_cast<unsigned long long>(hash));
    const std::string url = stateFile("url");
    createDatabase(url, stateFile("password"), db);
    return store::StoreLocation(withDatabase(url, db), std::string(std::getenv("FA_TEST_POSTGRES")) + "/password");
}

std::string storeEnvironment(const std::string& dataDir) {
    if (!onPostgres()) return "";
    const store::StoreLocation at = storeOf(dataDir);
    return "FLUOROAUDIT_STORE_URL='" + at.where + "' FLUOROAUDIT_STORE_PASSWORD_FILE='" + at.passwordFile + "' ";
}

void exportStore(const store::StoreLocation& at) {
    ::setenv("FLUOROAUDIT_STORE_URL", at.where.c_str(), 1);
    ::setenv("FLUOROAUDIT_STORE_PASSWORD_FILE", at.passwordFile.c_str(), 1);
}

std::string command(const std::string& binary, const std::string& dataDir) {
    return storeEnvironment(dataDir) + quote(binary) + " --data " + quote(dataDir);
}

std::string storeConfig(const TempDir& dir, const std::string& name) {
    if (!onPostgres()) return "";
    const store::StoreLocation at = storeIn(dir, name);
    return "[store]\nurl = " + at.where + "\npassword_file = " + at.passwordFile + "\n";
}

} // namespace fa::test
