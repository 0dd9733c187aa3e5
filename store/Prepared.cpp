// Database::run: statements prepared once per connection and kept, through each engine's own client
// (Poco's statements compile at every execution: SQLite parses the SQL again, PostgreSQL prepares,
// describes, runs and deallocates it in four round trips).
#include "store/Database.h"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdio>
#include <list>
#include <memory>
#include <unordered_map>

namespace fa::store {

namespace {

// At most this many statements are kept per connection; the oldest goes first. The store's own
// statements are fewer; the bound is for SQL built from varying parts.
constexpr std::size_t kKept = 256;

// The start of a statement, for a message.
std::string briefSql(const std::string& sql) { return sql.size() <= 160 ? sql : sql.substr(0, 160) + " ..."; }

// Kept statements by their SQL, oldest first.
template <typename Handle> class Kept {
public:
    Handle* find(const std::string& sql) {
        const auto it = index_.find(sql);
        return it == index_.end() ? nullptr : &it->second->second;
    }
    // Keeps `handle`; returns the one that no longer fits, if any.
    std::optional<Handle> keep(const std::string& sql, Handle handle) {
        std::optional<Handle> evicted;
        if (order_.size() >= kKept) {
            index_.erase(order_.front().first);
            evicted = order_.front().second;
            order_.pop_front();
        }
        order_.emplace_back(sql, handle);
        index_[sql] = std::prev(order_.end());
        return evicted;
    }
    void forget(const std::string& sql) {
        if (const auto it = index_.find(sql); it != index_.end()) {
            order_.erase(it->second);
            index_.erase(it);
        }
    }
    template <typename F> void each(F&& f) {
        for (auto& [sql, handle] : order_) f(handle);
    }

private:
    std::list<std::pair<std::string, Handle>> order_;
    std::unordered_map<std::string, typename std::list<std::pair<std::string, Handle>>::iterator> index_;
};

class SQLitePrepared : public Database::Prepared {
public:
    explicit SQLitePrepared(sqlite3* db) : db_(db) {}
    ~SQLitePrepared() override {
        kept_.each([](sqlite3_stmt* s) { sqlite3_finalize(s); });
    }

    Result run(const std::string& sql, const std::vector<Value>& values) override {
        sqlite3_stmt* s = statement(sql);
        // Reset however this ends, so that the statement holds no read of the database meanwhile.
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{s};
        if (sqlite3_bind_parameter_count(s) != static_cast<int>(values.size()))
            throw Poco::Data::DataException("the statement takes " + std::to_string(sqlite3_bind_parameter_count(s)) +
                                            " values, given " + std::to_string(values.size()) + ": " + briefSql(sql));
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int at = static_cast<int>(i) + 1;
            const Value& v = values[i];
            int rc = SQLITE_OK;
            if (const auto* integer = std::get_if<long long>(&v)) rc = sqlite3_bind_int64(s, at, *integer);
            else if (const auto* real = std::get_if<double>(&v)) rc = sqlite3_bind_double(s, at, *real);
            else if (const auto* text = std::get_if<std::string>(&v))
                rc = sqlite3_bind_text(s, at, text->data(), static_cast<int>(text->size()), SQLITE_STATIC);
            else rc = sqlite3_bind_null(s, at);
            if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db_, rc, briefSql(sql));
        }
        Result r;
        for (bool first = true;; first = false) {
            const int rc = sqlite3_step(s);
            // The columns after the first step: a table changed since the statement was kept
            // prepares it again there.
            if (first)
                for (int c = 0; c < sqlite3_column_count(s); ++c) r.columns.emplace_back(sqlite3_column_name(s, c));
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Poco::Data::SQLite::Utility::throwException(db_, rc & 0xff, briefSql(sql));
            const int n = static_cast<int>(r.columns.size());
            for (int c = 0; c < n; ++c) {
                switch (sqlite3_column_type(s, c)) {
                case SQLITE_NULL: r.cells.emplace_back(); break;
                case SQLITE_INTEGER: r.cells.emplace_back(static_cast<long long>(sqlite3_column_int64(s, c))); break;
                case SQLITE_FLOAT: r.cells.emplace_back(sqlite3_column_double(s, c)); break;
                default:
                    r.cells.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                                                     static_cast<std::size_t>(sqlite3_column_bytes(s, c))));
                }
            }
        }
        return r;
    }

private:
    sqlite3_stmt* statement(const std::string& sql) {
        if (sqlite3_stmt** s = kept_.find(sql)) return *s;
        sqlite3_stmt* s = nullptr;
        const char* tail = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                                          &tail);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(s);
            Poco::Data::SQLite::Utility::throwException(db_, rc, briefSql(sql));
        }
        if (!s || (tail && std::string(tail).find_first_not_of(" \t\r\n;") != std::string::npos)) {
            sqlite3_finalize(s);
            throw Poco::Data::DataException("not one statement: " + briefSql(sql));
        }
        if (auto evicted = kept_.keep(sql, s)) sqlite3_finalize(*evicted);
        return s;
    }

    sqlite3* db_;
    Kept<sqlite3_stmt*> kept_;
};

class PostgresPrepared : public Database::Prepared {
public:
    PostgresPrepared(PGconn* conn, const Database& db) : conn_(conn), db_(db) {}

    Result run(const std::string& sql, const std::vector<Value>& values) override { return run(sql, values, true); }

private:
    Result run(const std::string& sql, const std::vector<Value>& values, bool again) {
        const std::string name = statement(sql);
        std::vector<std::string> texts(values.size());
        std::vector<const char*> params(values.size(), nullptr);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const Value& v = values[i];
            if (const auto* integer = std::get_if<long long>(&v)) texts[i] = std::to_string(*integer);
            else if (const auto* real = std::get_if<double>(&v)) texts[i] = exactText(*real);
            else if (const auto* text = std::get_if<std::string>(&v)) texts[i] = *text;
            else continue; // NULL
            params[i] = texts[i].c_str();
        }
        std::unique_ptr<PGresult, void (*)(PGresult*)> result(
            PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0),
            PQclear);
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            // A table changed under a kept statement ("cached plan must not change result type"):
            // prepared again, at once outside a transaction, else at the transaction's next attempt.
            const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
            if (state && std::string(state) == "0A000") {
                kept_.forget(sql);
                if (again && PQtransactionStatus(conn_) == PQTRANS_IDLE) return run(sql, values, false);
            }
            fail(result.get(), sql);
        }
        Result r;
        const int columns = PQnfields(result.get()), rows = PQntuples(result.get());
        for (int c = 0; c < columns; ++c) r.columns.emplace_back(PQfname(result.get(), c));
        r.cells.reserve(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows));
        for (int row = 0; row < rows; ++row)
            for (int c = 0; c < columns; ++c) {
                if (PQgetisnull(result.get(), row, c)) r.cells.emplace_back();
                else r.cells.emplace_back(std::string(PQgetvalue(result.get(), row, c),
                                                      static_cast<std::size_t>(PQgetlength(result.get(), row, c))));
            }
        return r;
    }

    std::string statement(const std::string& sql) {
        if (const std::string* name = kept_.find(sql)) return *name;
        const std::string name = "fa_kept_" + std::to_string(++named_);
        std::unique_ptr<PGresult, void (*)(PGresult*)> result(
            PQprepare(conn_, name.c_str(), db_.dialect(sql).c_str(), 0, nullptr), PQclear);
        if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) fail(result.get(), sql);
        // The statement that no longer fits is deallocated with the next one's run (libpq sends
        // them one after the other; an error of it would only leave a name unused on the server).
        if (auto evicted = kept_.keep(sql, name)) PQclear(PQexec(conn_, ("DEALLOCATE " + *evicted).c_str()));
        return name;
    }

    // Throws as Poco's PostgreSQL connector does: a connection that is gone as such.
    [[noreturn]] void fail(const PGresult* result, const std::string& sql) const {
        std::string why = result ? PQresultErrorMessage(result) : "";
        if (why.empty()) why = PQerrorMessage(conn_);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        if (PQstatus(conn_) != CONNECTION_OK) throw Poco::Data::PostgreSQL::ConnectionException(why);
        throw Poco::Data::PostgreSQL::StatementException(why + " [" + briefSql(sql) + "]");
    }

    PGconn* conn_;
    const Database& db_;
    Kept<std::string> kept_;
    unsigned long named_ = 0;
};

} // namespace

std::string exactText(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

Result Database::run(const std::string& sql, const std::vector<Value>& values) {
    if (!session_) throw Poco::Data::DataException("not connected to " + name_);
    if (!prepared_) {
        if (engine_ == Engine::SQLite) {
            prepared_ = std::make_unique<SQLitePrepared>(Poco::Data::SQLite::Utility::dbHandle(*session_));
        } else {
            auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session_->impl());
            if (!impl) throw Poco::Data::DataException("not a PostgreSQL session: " + name_);
            prepared_ = std::make_unique<PostgresPrepared>(static_cast<PGconn*>(impl->handle()), *this);
        }
    }
    return prepared_->run(sql, values);
}

} // namespace fa::store
