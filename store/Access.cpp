// Users, the audit trail and flag reviews (migration 5).
#include "store/Columns.h"
#include "store/Guard.h"
#include "core/Error.h"
#include "store/FlagRows.h"
#include "store/Rows.h"
#include "store/StudyStore.h"

#include "core/SecurityEvent.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <map>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

std::vector<User> readUsers(Statement& select) {
    RecordSet rs(select);
    const Columns c(rs);
    std::vector<User> out;
    for (std::size_t r = 0; r < c.rows(); ++r)
        out.push_back({c.text("username", r), c.text("role", r), c.text("password_hash", r), c.text("created_at", r),
                       c.integer("disabled", r).value_or(0) != 0});
    return out;
}

} // namespace

std::optional<User> StudyStore::user(const std::string& username) {
    return guarded([&]() -> std::optional<User> {
        Statement select(db_->session());
        std::string name = username;
        select << db_->dialect("SELECT username, role, password_hash, created_at, disabled FROM users WHERE username = ?"), use(name), now;
        auto users = readUsers(select);
        if (users.empty()) return std::nullopt;
        return users.front();
    });
}

std::vector<User> StudyStore::users() {
    return guarded([&]() -> std::vector<User> {
        Statement select(db_->session());
        select << db_->dialect("SELECT username, role, password_hash, created_at, disabled FROM users ORDER BY username"), now;
        return readUsers(select);
    });
}

void StudyStore::addUser(const User& u) {
    return guarded([&]() -> void {
        Poco::Data::Transaction tx(db_->session());
        int n = 0;
        *db_ << "SELECT COUNT(*) FROM users WHERE username = ?", bind(u.username), into(n), now;
        if (n) throw Error("a user named '" + u.username + "' exists already");
        *db_ << "INSERT INTO users (username, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?)",
            bind(u.username), bind(u.role), bind(u.passwordHash), bind(u.createdAt.empty() ? nowUtc() : u.createdAt),
            bind(u.disabled ? 1 : 0), now;
        tx.commit();
    });
}

void StudyStore::updateUser(const User& u) {
    return guarded([&]() -> void {
        *db_ << "UPDATE users SET role = ?, password_hash = ?, disabled = ? WHERE username = ?", bind(u.role),
            bind(u.passwordHash), bind(u.disabled ? 1 : 0), bind(u.username), now;
    });
}

void StudyStore::addTrail(const std::string& username, const std::string& action, const Text& text,
                          const std::string& remote) {
    const std::string detail = text.id.empty() ? std::string() : text.english();
    guarded([&]() -> void {
        *db_ << "INSERT INTO audit_trail (at, username, action, detail, remote, detail_text) VALUES (?, ?, ?, ?, ?, ?)",
            bind(nowUtc()), bind(username), bind(action), bind(detail), bind(remote), bind(encodeText(text)), now;
    });
    // Logins, user changes and exports also go to the audit repository (IHE ATNA) when there is one.
    if (SecurityEvent event; securityEventsRecorded() && securityEventOfTrail(username, action, detail, remote, event))
        recordSecurityEvent(event);
}

std::vector<TrailEntry> StudyStore::trail(std::size_t limit, std::size_t offset) {
    return guarded([&]() -> std::vector<TrailEntry> {
        Statement select(db_->session());
        select << db_->dialect("SELECT id, at, username, action, detail, remote, detail_text FROM audit_trail ORDER BY id DESC LIMIT " +
                      std::to_string(limit) + " OFFSET " + std::to_string(offset)),
            now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<TrailEntry> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({c.integer("id", r).value_or(0), c.text("at", r), c.text("username", r), c.text("action", r),
                           c.text("detail", r), c.text("remote", r), decodeText(c.text("detail_text", r))});
        return out;
    });
}

bool StudyStore::reviewFlag(const FlagReview& review) {
    return guarded([&]() -> bool {
        try {
            Poco::Data::Transaction tx(db_->session());
            int n = 0;
            *db_ << "SELECT COUNT(*) FROM flags WHERE study_uid = ? AND kind = ? AND metric = ?", bind(review.studyUid),
                bind(review.kind), bind(review.metric), into(n), now;
            if (n == 0) return false;
            const std::string at = review.at.empty() ? nowUtc() : review.at;
            *db_ << "UPDATE flags SET review_state = ? WHERE study_uid = ? AND kind = ? AND metric = ?",
                bind(review.state), bind(review.studyUid), bind(review.kind), bind(review.metric), now;
            countFlags(*db_, "study_uid = ?", {review.studyUid});
            *db_ << "INSERT INTO flag_reviews (study_uid, kind, metric, state, comment, username, at, site) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT site FROM studies WHERE study_uid = ?))",
                bind(review.studyUid), bind(review.kind), bind(review.metric), bind(review.state), bind(review.comment),
                bind(review.username), bind(at), bind(review.studyUid), now;
            tx.commit();
            return true;
        } catch (...) {
            failed("cannot record the review");
        }
    });
}

std::vector<FlagReview> StudyStore::reviews(const std::string& studyUid) {
    return guarded([&]() -> std::vector<FlagReview> {
        Statement select(db_->session());
        std::string uid = studyUid;
        select << db_->dialect("SELECT study_uid, kind, metric, state, comment, username, at, site FROM flag_reviews WHERE study_uid = ? "
                  "ORDER BY id"),
            use(uid), now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<FlagReview> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({c.text("study_uid", r), c.text("kind", r), c.text("metric", r), c.text("state", r),
                           c.text("comment", r), c.text("username", r), c.text("at", r), c.text("site", r)});
        return out;
    });
}

std::vector<std::pair<std::string, std::size_t>> StudyStore::flagCounts() {
    return guarded([&]() -> std::vector<std::pair<std::string, std::size_t>> {
        Statement select(db_->session());
        select << db_->dialect("SELECT kind, COUNT(*) AS n FROM flags GROUP BY kind ORDER BY kind"), now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<std::pair<std::string, std::size_t>> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.emplace_back(c.text("kind", r), static_cast<std::size_t>(c.integer("n", r).value_or(0)));
        return out;
    });
}

std::vector<DeviceSummary> StudyStore::devices(const std::string& site) {
    return guarded([&]() -> std::vector<DeviceSummary> {
        const std::string ofSite = site.empty() ? "" : " WHERE site = ?";
        auto run = [&](const std::string& sql) {
            Statement select(db_->session());
            select << db_->dialect(sql);
            std::string bound = site;
            if (!site.empty()) select, use(bound);
            select.execute();
            return RecordSet(select);
        };
        RecordSet rs = run("SELECT site, COALESCE(NULLIF(station_name, ''), model, '') AS device, MAX(manufacturer) AS "
                           "manufacturer, MAX(model) AS model, MAX(received_at) AS last_object_at, COUNT(*) AS objects "
                           "FROM source_objects" + ofSite + " GROUP BY site, device ORDER BY site, device");
        const Columns c(rs);
        std::vector<DeviceSummary> out;
        std::map<std::pair<std::string, std::string>, std::size_t> index;
        for (std::size_t r = 0; r < c.rows(); ++r) {
            DeviceSummary d;
            d.site = c.text("site", r);
            d.device = c.text("device", r);
            d.manufacturer = c.text("manufacturer", r);
            d.model = c.text("model", r);
            d.lastObjectAt = c.text("last_object_at", r);
            d.objects = static_cast<std::size_t>(c.integer("objects", r).value_or(0));
            index[{d.site, d.device}] = out.size();
            out.push_back(d);
        }
        // The studies whose device it is, from the kept counts (a COUNT(DISTINCT) of a million
        // objects' studies sorted on disk for seconds).
        RecordSet sr = run("SELECT site, device, CAST(SUM(n) AS BIGINT) AS n FROM study_counts" + ofSite +
                           " GROUP BY site, device");
        const Columns sc(sr);
        for (std::size_t r = 0; r < sc.rows(); ++r)
            if (auto it = index.find({sc.text("site", r), sc.text("device", r)}); it != index.end())
                out[it->second].studies = static_cast<std::size_t>(sc.integer("n", r).value_or(0));
        RecordSet mr = run("SELECT site, COALESCE(NULLIF(station_name, ''), model, '') AS device, COUNT(*) AS n FROM "
                           "studies" + (site.empty() ? std::string(" WHERE") : ofSite + " AND") +
                           " source = 'image-headers' GROUP BY site, device");
        const Columns m(mr);
        for (std::size_t r = 0; r < m.rows(); ++r)
            if (auto it = index.find({m.text("site", r), m.text("device", r)}); it != index.end())
                out[it->second].missingDose = static_cast<std::size_t>(m.integer("n", r).value_or(0));
        return out;
    });
}

} // namespace fa::store
