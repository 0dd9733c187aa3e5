// StudyStore::checkIntegrity: the database looked at as a whole, not only where a read happens to
// fall (a damaged page of a table no command reads goes unnoticed otherwise).
#include "store/Columns.h"
#include "store/Guard.h"

#include <Poco/Exception.h>

#include <map>
#include <regex>

namespace fa::store {

namespace {

const char* const kWhatToDo = "stop fluoroaudit, keep a copy of the file and restore the database from a backup "
                              "(docs/configuration.md, \"A damaged database\")";

// The table a quick_check message is about: "Tree 5 page 5 ..." names the b-tree by its root
// page; "... index NAME" names an index, whose table is given.
std::string tableOf(const std::string& message, const std::map<long long, std::string>& byRootPage,
                    const std::map<std::string, std::string>& tableOfIndex) {
    std::smatch m;
    if (std::regex_search(message, m, std::regex(R"(Tree (\d+) page)")))
        if (auto it = byRootPage.find(std::stoll(m[1])); it != byRootPage.end()) return it->second;
    for (const auto& [index, table] : tableOfIndex)
        if (message.find("index " + index) != std::string::npos) return table;
    return {};
}

} // namespace

IntegrityReport StudyStore::checkIntegrity() {
    return guarded([&] {
        IntegrityReport r;
        r.database = db_->name();
        if (db_->engine() == Engine::SQLite) {
            r.method = "SQLite's quick_check";
            std::map<long long, std::string> byRootPage;
            std::map<std::string, std::string> tableOfIndex;
            std::vector<std::string> tables;
            const Result schema = db_->run("SELECT type, name, tbl_name, rootpage FROM sqlite_master");
            const Columns s(schema);
            for (std::size_t i = 0; i < s.rows(); ++i) {
                const std::string table = s.text("tbl_name", i);
                if (const auto page = s.integer("rootpage", i)) byRootPage[*page] = table;
                if (s.text("type", i) == "index") tableOfIndex[s.text("name", i)] = table;
                if (s.text("type", i) == "table") tables.push_back(table);
            }
            // Table by table (with its indexes): a root page too damaged to walk stops the check of
            // its own table only, and says which.
            for (const auto& table : tables) {
                try {
                    const Result check = db_->run("PRAGMA quick_check(\"" + table + "\")");
                    const Columns c(check);
                    for (std::size_t i = 0; i < c.rows(); ++i) {
                        const std::string line = c.text("quick_check", i);
                        if (line == "ok") continue;
                        const std::string named = tableOf(line, byRootPage, tableOfIndex);
                        r.problems.push_back({named.empty() ? table : named, line});
                    }
                } catch (const Poco::Exception& e) {
                    r.problems.push_back({table, e.displayText()});
                }
            }
            return r;
        }
        // PostgreSQL: every table read through (a damaged heap page fails the read), and every
        // index of ours checked by amcheck where the database has it.
        r.method = "reading every table";
        const Result tables = db_->run("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
        const Columns t(tables);
        for (std::size_t i = 0; i < t.rows(); ++i) {
            const std::string table = t.text("tablename", i);
            try {
                db_->run("SELECT count(*) AS n FROM \"" + table + "\"");
            } catch (const Poco::Exception& e) {
                r.problems.push_back({table, e.displayText()});
            }
        }
        if (db_->run("SELECT 1 AS present FROM pg_extension WHERE extname = 'amcheck'").rows() == 0) {
            r.note = "amcheck is not installed in this database: indexes were not checked (a database administrator "
                     "can run pg_amcheck, or CREATE EXTENSION amcheck for this check to include them)";
            return r;
        }
        r.method += " and amcheck's bt_index_check of every index";
        const Result indexes = db_->run(
            "SELECT c.relname AS index_name, t.relname AS table_name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = current_schema()");
        const Columns x(indexes);
        for (std::size_t i = 0; i < x.rows(); ++i) {
            try {
                db_->run("SELECT count(*) AS n FROM (SELECT bt_index_check('\"" + x.text("index_name", i) + "\"'::regclass)) AS c");
            } catch (const Poco::Exception& e) {
                r.problems.push_back({x.text("table_name", i), "index " + x.text("index_name", i) + ": " + e.displayText()});
            }
        }
        return r;
    });
}

std::string IntegrityReport::whatToDo() const { return problems.empty() ? std::string() : kWhatToDo; }

} // namespace fa::store
