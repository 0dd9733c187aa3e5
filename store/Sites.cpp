// Sites of a group sharing one database (migration 12): whose rows are whose, and the group's secret.
#include "store/Guard.h"
#include "store/Rows.h"
#include "core/Clock.h"
#include "store/StudyStore.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

using namespace Poco::Data::Keywords;

namespace fa::store {

void StudyStore::setSite(const std::string& site) {
    guarded([&]() -> void {
        site_ = site;
        // Every command opens the store with its site: a write only the first time.
        std::vector<std::string> known;
        *db_ << "SELECT name FROM sites WHERE name = ?", bind(site), into(known), now;
        if (known.empty())
            *db_ << "INSERT INTO sites (name, first_seen) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", bind(site),
                bind(nowUtc()), now;
        // A store from before sites (or copied from one) names no site: it is this one's.
        std::vector<std::string> unnamed;
        *db_ << "SELECT study_uid FROM studies WHERE site = '' LIMIT 1", into(unnamed), now;
        int runs = 0;
        *db_ << "SELECT COUNT(*) FROM audit_runs WHERE site = ''", into(runs), now;
        if (unnamed.empty() && runs == 0) return;
        try {
            Poco::Data::Transaction tx(db_->session());
            for (const char* table : {"studies", "source_objects", "flag_reviews", "audit_runs"})
                *db_ << std::string("UPDATE ") + table + " SET site = ? WHERE site = ''", bind(site), now;
            recountAll(*db_);
            tx.commit();
        } catch (...) {
            failed("cannot name the site of the stored studies");
        }
    });
}

std::string StudyStore::groupSecret(const std::function<std::string()>& create) {
    return guarded([&]() -> std::string {
        std::vector<std::string> value;
        *db_ << "SELECT value FROM group_settings WHERE name = 'patient-key-secret'", into(value), now;
        if (!value.empty()) return value.front();
        // Two sites starting at once: the first insert wins and both read it.
        *db_ << "INSERT INTO group_settings (name, value) VALUES ('patient-key-secret', ?) ON CONFLICT (name) DO NOTHING",
            bind(create()), now;
        *db_ << "SELECT value FROM group_settings WHERE name = 'patient-key-secret'", into(value), now;
        return value.at(0);
    });
}

bool StudyStore::tryLockAudits() {
    return guarded([&] { return db_->tryLock("fluoroaudit audit of site " + site_); });
}

std::vector<std::string> StudyStore::sites() {
    return guarded([&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        *db_ << "SELECT name FROM sites ORDER BY name", into(out), now;
        return out;
    });
}

} // namespace fa::store
