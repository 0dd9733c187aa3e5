#include "store/StudyStore.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Exception.h>

namespace fa::store {

namespace {

namespace sql = Poco::Data::SQLite;

const char* const kRestore = "stop fluoroaudit, keep a copy of the file and restore the database from a backup "
                             "(docs/configuration.md, \"A damaged database\")";

bool mentions(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// What is wrong with the database and what the operator should do, for the library's exception
// `e`; "" when it is not a problem of the database itself (e.g. a constraint of the schema).
std::pair<std::string, std::string> diagnose(const Poco::Exception& e) {
    const std::string detail = e.displayText();
    if (dynamic_cast<const sql::CorruptImageException*>(&e) || mentions(detail, "malformed") ||
        mentions(detail, "not a database"))
        return {"is damaged or is not a fluoroaudit database (" + detail + ")", kRestore};
    if (dynamic_cast<const sql::DatabaseFullException*>(&e) || mentions(detail, "full"))
        return {"cannot grow: its disk is full (" + detail + ")", "free space on that file system; nothing was lost"};
    if (dynamic_cast<const sql::IOErrorException*>(&e) || dynamic_cast<const sql::CantOpenDBFileException*>(&e) ||
        dynamic_cast<const sql::ReadOnlyException*>(&e) || dynamic_cast<const sql::DBAccessDeniedException*>(&e))
        return {"cannot be read or written (" + detail + ")",
                "check that the file and its folder exist, belong to the service's user and that the disk is healthy"};
    if (dynamic_cast<const sql::DBLockedException*>(&e) || dynamic_cast<const sql::TableLockedException*>(&e))
        return {"stayed locked by another process (" + detail + ")", "try again; if it persists, look for a stuck process"};
    return {};
}

} // namespace

void StudyStore::failed(const std::string& doing) const {
    const std::string prefix = doing.empty() ? "" : doing + ": ";
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const Poco::Exception& e) {
        const auto [what, todo] = diagnose(e);
        if (what.empty()) throw Error(prefix + "the study database " + path_ + " refused it: " + e.displayText());
        throw DatabaseError(prefix + "the study database " + path_ + " " + what + ": " + todo);
    } catch (const std::exception& e) {
        throw Error(prefix + "the study database " + path_ + ": " + e.what());
    }
}

} // namespace fa::store
