#include "store/Database.h"

#include "core/Error.h"
#include "store/Columns.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/AutoPtr.h>
#include <Poco/Data/SQLite/Connector.h>

#include <libpq-fe.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace fa::store {

bool isServerUrl(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

namespace {

std::once_flag registerOnce;

// A value of a libpq key=value connection string, quoted.
std::string quoted(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string readPassword(const std::string& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) throw Error("cannot read the database password file " + file + ": it does not exist");
    if ((st.st_mode & 077) != 0)
        throw Error("the database password file " + file + " can be read by others: chmod 600 it");
    std::ifstream in(file);
    std::string password;
    if (!in || !std::getline(in, password)) throw Error("cannot read the database password file " + file);
    while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) password.pop_back();
    if (password.empty()) throw Error("the database password file " + file + " is empty");
    return password;
}

struct Parsed {
    std::string connection; // key=value, as Poco's connector takes it
    std::string name;       // the URL without its password
};

// libpq parses the URL (every parameter libpq knows: sslmode, sslrootcert, passfile, ...).
Parsed parseUrl(const std::string& url, const std::string& passwordFile) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(url.c_str(), &error),
                                                                             PQconninfoFree);
    if (!options) {
        const std::string why = error ? error : "not a PostgreSQL URL";
        PQfreemem(error);
        throw Error("[store] url is not a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE): " + why);
    }
    Parsed p;
    std::string user, host, port, db;
    bool password = false;
    for (PQconninfoOption* o = options.get(); o->keyword; ++o) {
        if (!o->val) continue;
        const std::string key = o->keyword, value = o->val;
        if (key == "password") password = true;
        if (key == "user") user = value;
        if (key == "host" || key == "hostaddr") host = value;
        if (key == "port") port = value;
        if (key == "dbname") db = value;
        p.connection += key + "=" + quoted(value) + " ";
    }
    if (password) throw Error("[store] url must not hold the password: put it in [store] password_file or PGPASSFILE");
    if (!passwordFile.empty()) p.connection += "password=" + quoted(readPassword(passwordFile)) + " ";
    p.connection += "application_name='fluoroaudit' connect_timeout='10'";
    p.name = "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" + db;
    return p;
}

// ? placeholders (outside quoted text) as $1, $2, ...
std::string numberedPlaceholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    bool quoted = false;
    for (char c : sql) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) out += "$" + std::to_string(++n);
        else out += c;
    }
    return out;
}

} // namespace

Database::Database(const std::string& location, Durability durability, const std::string& passwordFile)
    : engine_(isServerUrl(location) ? Engine::PostgreSQL : Engine::SQLite), location_(location), name_(location),
      durability_(durability) {
    std::call_once(registerOnce, [] {
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
    if (engine_ == Engine::PostgreSQL) {
        const Parsed p = parseUrl(location, passwordFile);
        connection_ = p.connection;
        name_ = p.name;
    }
}

void Database::connect() {
    if (engine_ == Engine::PostgreSQL) {
        // Poco's connector keeps the connection of a failed attempt (it frees only a healthy one):
        // the attempt is made here first, so that a server that is away costs nothing each retry.
        std::unique_ptr<PGconn, void (*)(PGconn*)> attempt(PQconnectdb(connection_.c_str()), PQfinish);
        if (PQstatus(attempt.get()) != CONNECTION_OK)
            throw Poco::Data::ConnectionFailedException(std::string("Connection Error: ") + PQerrorMessage(attempt.get()));
        attempt.reset();
        session_ = std::make_unique<Poco::Data::Session>("PostgreSQL", connection_);
        // Dates and times are stored as ISO 8601 text; statements must not wait forever on a lock.
        *session_ << "SET lock_timeout = '10s'", now;
        *session_ << "SET client_min_messages = warning", now; // no NOTICE lines in the service's output
        if (durability_ == Durability::Normal) *session_ << "SET synchronous_commit = off", now;
        return;
    }
    // A new database is its owner's alone whatever the host's umask (Orthanc's, for the plugin);
    // SQLite gives its -wal and -shm files the database file's mode.
    if (const int fd = ::open(location_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    session_ = std::make_unique<Poco::Data::Session>("SQLite", location_);
    *session_ << "PRAGMA journal_mode=WAL", now;
    *session_ << (durability_ == Durability::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"), now;
    *session_ << "PRAGMA foreign_keys=ON", now;
    *session_ << "PRAGMA busy_timeout=10000", now;
}

Database::~Database() { close(); }

void Database::close() {
    prepared_.reset();
    if (!session_) return;
    if (engine_ != Engine::PostgreSQL) {
        session_.reset();
        return;
    }
    // Poco's connector closes only a healthy connection: one the server ended is freed here, after
    // the session that held it, when nothing else holds that session any more.
    Poco::AutoPtr<Poco::Data::SessionImpl> impl(session_->impl(), true);
    session_.reset();
    auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(impl.get());
    PGconn* conn = pg && impl->referenceCount() == 1 ? static_cast<PGconn*>(pg->handle()) : nullptr;
    const bool broken = conn && PQstatus(conn) != CONNECTION_OK;
    impl = nullptr;
    if (broken) PQfinish(conn);
}

void Database::reopen() {
    close();
    connect();
}

Poco::Data::Statement Database::operator<<(const std::string& sql) { return *session_ << dialect(sql); }

std::string Database::dialect(const std::string& sql) const {
    return engine_ == Engine::PostgreSQL ? numberedPlaceholders(sql) : sql;
}

std::string Database::ddl(const std::string& sql) const {
    if (engine_ == Engine::SQLite) return sql;
    static const std::regex id("\\bid INTEGER PRIMARY KEY\\b"), real("\\bREAL\\b"), integer("\\bINTEGER\\b");
    std::string out = std::regex_replace(sql, id, "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    out = std::regex_replace(out, real, "DOUBLE PRECISION");
    return std::regex_replace(out, integer, "BIGINT");
}

bool Database::retryable(const Poco::Exception& e) const {
    if (engine_ != Engine::PostgreSQL) return false;
    const std::string text = e.displayText();
    for (const char* what : {"duplicate key value", "could not serialize", "deadlock detected"})
        if (text.find(what) != std::string::npos) return true;
    return false;
}

bool Database::tryLock(const std::string& name) {
    if (engine_ == Engine::SQLite) return true;
    const Result r = run("SELECT CASE WHEN pg_try_advisory_lock(hashtext(?)) THEN 1 ELSE 0 END AS taken", {name});
    return Columns(r).integer("taken", 0) == 1;
}

void Database::beginSnapshot() {
    if (engine_ == Engine::PostgreSQL) *this << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", now;
}

void Database::lockForTransaction(const std::string& name) {
    if (engine_ == Engine::PostgreSQL) run("SELECT pg_advisory_xact_lock(hashtext(?))", {name});
}

void Database::lock(const std::string& name) {
    if (engine_ == Engine::PostgreSQL) run("SELECT pg_advisory_lock(hashtext(?))", {name});
}

void Database::unlock(const std::string& name) {
    if (engine_ == Engine::PostgreSQL) run("SELECT pg_advisory_unlock(hashtext(?))", {name});
}

std::string Database::unindexed(const std::string& column) const {
    return engine_ == Engine::SQLite ? "+" + column : column;
}

} // namespace fa::store
