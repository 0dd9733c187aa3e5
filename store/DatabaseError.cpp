#include "store/StudyStore.h"

#include "store/Database.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

namespace fa::store {

namespace {

namespace sql = Poco::Data::SQLite;

const char* const kRestore = "stop fluoroaudit, keep a copy of the file and restore the database from a backup "
                             "(docs/configuration.md, \"A damaged database\")";

bool mentions(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// The library's text of `e` for a log line: it can hold a whole statement of thousands of
// parameters, of which the start says enough.
std::string brief(const Poco::Exception& e) {
    constexpr std::size_t kShown = 400;
    const std::string text = e.displayText();
    if (text.size() <= kShown) return text;
    std::size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // not inside a character
    return text.substr(0, cut) + " ... (" + std::to_string(text.size()) + " characters)";
}

struct Diagnosis {
    std::string what, todo;
    bool transient = false;
};

// What is wrong with the database and what the operator should do, for the library's exception
// `e`; what is "" when it is not a problem of the database itself (e.g. a constraint of the schema).
Diagnosis diagnose(const Poco::Exception& e) {
    const std::string detail = brief(e);
    if (dynamic_cast<const sql::CorruptImageException*>(&e) || mentions(detail, "malformed") ||
        mentions(detail, "not a database"))
        return {"is damaged or is not a fluoroaudit database (" + detail + ")", kRestore};
    if (dynamic_cast<const sql::DatabaseFullException*>(&e) || mentions(detail, "full"))
        return {"cannot grow: its disk is full (" + detail + ")", "free space on that file system; nothing was lost",
                true};
    if (dynamic_cast<const sql::IOErrorException*>(&e) || dynamic_cast<const sql::CantOpenDBFileException*>(&e) ||
        dynamic_cast<const sql::ReadOnlyException*>(&e) || dynamic_cast<const sql::DBAccessDeniedException*>(&e))
        return {"cannot be read or written (" + detail + ")",
                "check that the file and its folder exist, belong to the service's user and that the disk is healthy"};
    // PostgreSQL: the server is away (stopped, restarting, unreachable) or another session held a lock.
    if ((dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&e) &&
         !dynamic_cast<const Poco::Data::PostgreSQL::TransactionException*>(&e)) ||
        mentions(detail, "could not connect") || mentions(detail, "server closed the connection") ||
        mentions(detail, "terminating connection") || mentions(detail, "no connection to the server") ||
        mentions(detail, "connection to server"))
        return {"cannot be reached (" + detail + ")",
                "check that the PostgreSQL server runs and that [store] url and its password are right; nothing was lost",
                true};
    if (dynamic_cast<const sql::DBLockedException*>(&e) || dynamic_cast<const sql::TableLockedException*>(&e) ||
        mentions(detail, "lock timeout") || mentions(detail, "deadlock detected"))
        return {"stayed locked by another process (" + detail + ")", "try again; if it persists, look for a stuck process",
                true};
    return {};
}

} // namespace

void StudyStore::failed(const std::string& doing) const {
    const std::string prefix = doing.empty() ? "" : doing + ": ";
    // A PostgreSQL connection the failure closed (the server went away, or libpq gave it up): the
    // next call connects again instead of answering "not connected" for ever.
    bool lost = false;
    try {
        lost = db_ && db_->connected() && db_->engine() == Engine::PostgreSQL && !db_->session().isConnected();
    } catch (const Poco::Exception&) {
        lost = true;
    }
    // A statement that failed inside a transaction (a full disk) can leave it open: the next
    // object would then be refused with "transaction in progress" for a fault it does not have.
    try {
        if (db_ && db_->connected() && db_->session().isTransaction()) db_->session().rollback();
    } catch (const Poco::Exception&) {
    }
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const Poco::Exception& e) {
        Diagnosis d = diagnose(e);
        if (lost && !d.transient)
            d = {"lost its connection (" + brief(e) + ")",
                 "the service connects again; if it repeats, look at the PostgreSQL server's log; nothing was lost", true};
        if (d.what.empty()) throw Error(prefix + "the study database " + (db_ ? db_->name() : std::string()) + " refused it: " + brief(e));
        if (d.transient) reopen_ = true;
        throw DatabaseError(prefix + "the study database " + (db_ ? db_->name() : std::string()) + " " + d.what + ": " + d.todo, d.transient);
    } catch (const std::exception& e) {
        throw Error(prefix + "the study database " + (db_ ? db_->name() : std::string()) + ": " + e.what());
    }
}

} // namespace fa::store
