// One connection to the study database, SQLite or PostgreSQL, and the one place that knows how
// their SQL differs. The store writes its SQL once, with ? placeholders and portable types; this
// class turns it into the engine's own (placeholders $1.. and DOUBLE PRECISION for PostgreSQL).
// Included by the store's own sources only.
#pragma once

#include "store/StudyStore.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fa::store {

enum class Engine { SQLite, PostgreSQL };

// A value given to or read back from Database::run: NULL, an integer, a real number or text.
using Value = std::variant<std::monostate, long long, double, std::string>;
inline Value nullable(const std::optional<double>& v) { return v ? Value(*v) : Value(); }
template <typename T> Value nullableInteger(const std::optional<T>& v) {
    return v ? Value(static_cast<long long>(*v)) : Value();
}
inline Value integer(long long v) { return Value(v); }
// Text, or NULL for "" (a column most rows leave empty).
inline Value nullableText(const std::string& v) { return v.empty() ? Value() : Value(v); }
// A real number as text that reads back as the same double.
std::string exactText(double v);

// What a statement run by Database::run returned: its columns and rows (read them by name through
// Columns).
struct Result {
    std::vector<std::string> columns;
    std::vector<Value> cells; // row after row
    std::size_t rows() const { return columns.empty() ? 0 : cells.size() / columns.size(); }
    const Value& at(std::size_t column, std::size_t row) const { return cells[row * columns.size() + column]; }
};

class Database {
public:
    // `location`: a file (SQLite) or a postgresql:// URL (see isServerUrl). Not connected yet:
    // connect() does, so that a failure to can name the database.
    Database(const std::string& location, Durability durability, const std::string& passwordFile);
    ~Database();
    void connect();

    Engine engine() const { return engine_; }
    // What an operator reads in a message: the file, or the URL without its password.
    const std::string& name() const { return name_; }
    Poco::Data::Session& session() { return *session_; }
    bool connected() const { return session_ != nullptr; }

    // A statement of `sql` (portable, ? placeholders) in this engine's dialect: bind, extract and
    // execute it as a Poco statement (`db << "..." , use(x), into(y), now;`).
    Poco::Data::Statement operator<<(const std::string& sql);
    // Runs `sql` (portable, ? placeholders, one statement) with `values` as a statement this
    // connection prepares once and keeps: SQLite's compiled statement, a PostgreSQL named prepared
    // statement (one round trip a run). For the statements that every object stored runs, whose
    // compilation would otherwise cost more than their work. A failure throws as a Poco statement does.
    Result run(const std::string& sql, const std::vector<Value>& values = {});
    // `sql` in this engine's dialect.
    std::string dialect(const std::string& sql) const;
    // A DDL statement in this engine's types (REAL is 8 bytes, INTEGER 64 bits, an INTEGER id is
    // assigned by the database).
    std::string ddl(const std::string& sql) const;
    // " FOR UPDATE" where the engine locks rows read in a transaction (PostgreSQL); SQLite's writer
    // holds the whole database.
    std::string forUpdate() const { return engine_ == Engine::PostgreSQL ? " FOR UPDATE" : ""; }
    // True for a failure that the same transaction, run again, can avoid: a unique key another
    // session took meanwhile, a serialization failure or a deadlock (PostgreSQL).
    bool retryable(const Poco::Exception& e) const;
    // `column` compared without its index (SQLite only: a whole period is read faster by a scan).
    std::string unindexed(const std::string& column) const;

    // Takes the lock called `name` for as long as this connection lives; false when another holds
    // it (PostgreSQL advisory lock; SQLite, one host, relies on the data folder's lock files: true).
    bool tryLock(const std::string& name);
    // Waits for the lock called `name` and holds it until the transaction ends (PostgreSQL; SQLite's
    // writer holds the whole database).
    void lockForTransaction(const std::string& name);
    // Waits for the lock called `name` and holds it until `unlock` (PostgreSQL; SQLite: nothing).
    void lock(const std::string& name);
    void unlock(const std::string& name);
    // Makes the transaction just begun see one snapshot in all of its statements (PostgreSQL's
    // default gives each statement its own; a SQLite read transaction has one already).
    void beginSnapshot();
    // Connects again (after a failure that may have left the connection unusable).
    void reopen();
    // Ends the session (connect() starts another).
    void close();

    // The statements a connection keeps for run() (one implementation per engine, Prepared.cpp).
    class Prepared {
    public:
        virtual ~Prepared() = default;
        virtual Result run(const std::string& sql, const std::vector<Value>& values) = 0;
    };

private:
    Engine engine_;
    std::string location_, name_, connection_;
    Durability durability_;
    std::unique_ptr<Poco::Data::Session> session_;
    // The statements kept for run(), of this session: declared after it, so gone before it closes.
    std::unique_ptr<Prepared> prepared_;
};

} // namespace fa::store
