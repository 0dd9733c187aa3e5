#include "store/Backup.h"

#include "core/Error.h"

#include <sqlite3.h>

#include <memory>

namespace fa::store {

namespace {

struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

Db open(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK)
        throw Error("cannot open the database " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(raw, 60000); // a commit in progress ends within that
    return db;
}

void exec(sqlite3* db, const std::string& path, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        throw Error(path + ": " + sql + ": " + sqlite3_errmsg(db));
}

} // namespace

void backupDatabase(const std::string& source, const std::string& target, const std::function<void()>& whileLocked) {
    // One connection holds the write lock (no commit of anyone until the copy ends); a second one
    // reads the copy (SQLite refuses to back up through a connection that is writing).
    const Db lock = open(source, SQLITE_OPEN_READWRITE);
    exec(lock.get(), source, "BEGIN IMMEDIATE");
    try {
        whileLocked();
        const Db from = open(source, SQLITE_OPEN_READONLY);
        const Db to = open(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
        if (!backup) throw Error("cannot copy the database to " + target + ": " + sqlite3_errmsg(to.get()));
        int rc = SQLITE_OK, waits = 0;
        do {
            rc = sqlite3_backup_step(backup, 1024);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
        } while (rc == SQLITE_OK || ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++waits < 3000));
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) throw Error("copying the database to " + target + " failed: " + sqlite3_errstr(rc));
    } catch (...) {
        sqlite3_exec(lock.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    exec(lock.get(), source, "ROLLBACK"); // nothing was written through it
}

long long studyCount(const std::string& path) {
    const Db db = open(path, SQLITE_OPEN_READONLY);
    sqlite3_stmt* statement = nullptr;
    long long n = -1;
    if (sqlite3_prepare_v2(db.get(), "SELECT COUNT(*) FROM studies", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
        n = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    if (n < 0) throw Error(path + " is not a fluoroaudit database (" + sqlite3_errmsg(db.get()) + ")");
    return n;
}

} // namespace fa::store
