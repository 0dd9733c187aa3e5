// `backup DEST` and `restore SRC`: the store of a data folder (database, site secret, archived
// reports, and objects received but not yet processed) copied while `serve` runs, and put back.
#include "cli/Commands.h"
#include "core/Error.h"
#include "core/FileLock.h"
#include "pipeline/Files.h"
#include "pipeline/Integrity.h"
#include "pipeline/Pipeline.h"
#include "store/Backup.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>

#include <filesystem>
#include <ostream>

namespace fs = std::filesystem;

namespace fa::cli {

namespace {

constexpr const char* kDatabase = "fluoroaudit.db";
constexpr const char* kSecret = "site-secret";

void check(const std::error_code& ec, const std::string& what) {
    if (ec) throw Error(what + ": " + ec.message());
}

// Every file under `from` hard-linked (or copied) to the same place under `to`; returns how many.
std::size_t linkTree(const fs::path& from, const fs::path& to) {
    std::size_t n = 0;
    std::error_code ec;
    if (!fs::is_directory(from, ec)) return 0;
    for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const fs::path target = to / fs::relative(it->path(), from);
        if (it->is_directory()) {
            fs::create_directories(target, ec);
            check(ec, "cannot create " + target.string());
        } else if (it->is_regular_file() && it->path().extension() != ".partial") {
            fs::create_directories(target.parent_path(), ec);
            check(ec, "cannot create " + target.parent_path().string());
            linkOrCopy(it->path().string(), target.string(), ec);
            // Gone meanwhile: an object whose commit failed (stored already, or the database held by
            // this backup past the writer's wait) has its archived copy removed and stays in the
            // spool (taken above); the copied database never refers to such a file.
            if (ec == std::errc::no_such_file_or_directory && !fs::exists(it->path())) {
                ec.clear();
                continue;
            }
            check(ec, "cannot copy " + it->path().string() + " to " + target.string());
            ++n;
        }
    }
    check(ec, "cannot read " + from.string());
    return n;
}

// The spooled objects (received, acknowledged, not yet processed) of `spool` linked into `to`.
std::size_t linkSpool(const fs::path& spool, const fs::path& to) {
    std::size_t n = 0;
    std::error_code ec;
    fs::create_directories(to, ec);
    check(ec, "cannot create " + to.string());
    for (const auto& e : fs::directory_iterator(spool, ec)) {
        if (!e.is_regular_file() || e.path().extension() != ".dcm") continue;
        linkOrCopy(e.path().string(), (to / e.path().filename()).string(), ec);
        if (ec == std::errc::no_such_file_or_directory) continue; // processed meanwhile: in the database
        check(ec, "cannot copy " + e.path().string());
        ++n;
    }
    return n;
}

void copySecret(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    check(ec, "cannot copy the site secret " + from.string());
    restrictToOwner(to.string(), ec);
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

// A store in PostgreSQL is the server's to back up (with everything else its owner keeps there).
void requireSqlite(const Settings& settings, const char* command) {
    if (!settings.store.url.empty())
        throw Error(std::string(command) + ": the studies are in PostgreSQL ([store] url), which `" + command +
                    "` does not copy: back that database up with pg_dump (docs/configuration.md, \"PostgreSQL\"); "
                    "the data folder's spool, archive and site-secret are files to back up beside it");
}

int backup(const Settings& settings, const std::string& destination, std::ostream& out) {
    requireSqlite(settings, "backup");
    const fs::path data(settings.dataDir), dest(destination);
    std::error_code ec;
    if (!fs::is_regular_file(data / kDatabase, ec))
        throw Error("backup: " + settings.dataDir + " holds no store (no " + kDatabase + "; --data or --config?)");
    if (fs::exists(dest, ec) && !(fs::is_directory(dest, ec) && fs::is_empty(dest, ec)))
        throw Error("backup: " + destination + " exists and is not an empty folder (give a new one)");
    fs::create_directories(dest, ec);
    check(ec, "backup: cannot create " + destination);
    fs::permissions(dest, fs::perms::owner_all, fs::perm_options::replace, ec);
    std::size_t spooled = 0;
    // While the copy holds the database's write lock no spooled object is committed and removed:
    // each acknowledged object is in the copied database or among the spooled ones taken here.
    store::backupDatabase((data / kDatabase).string(), (dest / kDatabase).string(),
                          [&] { spooled = linkSpool(settings.spoolDir(), dest / "spool"); });
    restrictToOwner((dest / kDatabase).string(), ec);
    copySecret(data / kSecret, dest / kSecret);
    const std::size_t archived = linkTree(data / "archive", dest / "archive");
    out << "Backed up " << settings.dataDir << " to " << destination << ": the database ("
        << plural(static_cast<std::size_t>(store::studyCount((dest / kDatabase).string())), "study", "studies") << "), "
        << plural(archived, "archived report", "archived reports") << ", "
        << plural(spooled, "object", "objects") << " received and not yet processed, and the site secret.\n"
        << "The site secret makes the patient keys: keep this backup as safe as the data itself.\n";
    return 0;
}

int restore(const Settings& settings, const std::string& source, bool replace, std::ostream& out) {
    requireSqlite(settings, "restore");
    const fs::path data(settings.dataDir), src(source);
    std::error_code ec;
    if (!fs::is_regular_file(src / kDatabase, ec) || !fs::is_regular_file(src / kSecret, ec))
        throw Error("restore: " + source + " is not a backup (it needs " + kDatabase + " and " + kSecret + ")");
    const long long studies = store::studyCount((src / kDatabase).string());
    fs::create_directories(data, ec);
    check(ec, "restore: cannot create " + settings.dataDir);
    // No service may start on the folder while it is restored.
    const FileLock lock(settings.serviceLockFile(), [&](int pid) {
        return "restore: fluoroaudit serve" + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
               " runs on " + settings.dataDir + ": stop it first";
    });
    std::string setAside;
    if (fs::exists(data / kDatabase, ec)) {
        if (!replace)
            throw Error("restore: " + settings.dataDir + " already holds a store (" +
                        std::to_string(store::studyCount((data / kDatabase).string())) +
                        " studies): give --replace to set it aside and restore over it");
        const fs::path aside = data / ("before-restore-" + Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y%m%dT%H%M%S"));
        fs::create_directories(aside, ec);
        check(ec, "restore: cannot create " + aside.string());
        for (const char* name : {kDatabase, "fluoroaudit.db-wal", "fluoroaudit.db-shm", kSecret})
            if (fs::exists(data / name, ec)) {
                fs::rename(data / name, aside / name, ec);
                check(ec, std::string("restore: cannot set aside ") + name);
            }
        setAside = aside.string();
    }
    store::backupDatabase((src / kDatabase).string(), (data / kDatabase).string(), [] {});
    restrictToOwner((data / kDatabase).string(), ec);
    copySecret(src / kSecret, data / kSecret);
    const std::size_t archived = linkTree(src / "archive", data / "archive");
    const std::size_t spooled = linkTree(src / "spool", settings.spoolDir());
    out << "Restored " << source << " into " << settings.dataDir << ": the database ("
        << plural(static_cast<std::size_t>(studies), "study", "studies") << "), the site secret, "
        << plural(archived, "archived report", "archived reports") << ", "
        << plural(spooled, "object", "objects") << " to process (serve processes them when it starts)";
    if (!setAside.empty()) out << "; the store it replaced is in " << setAside;
    out << ".\n";
    return 0;
}

int checkStoreCommand(Pipeline& pipeline, std::ostream& out) {
    const store::IntegrityReport report = checkStore(pipeline.store(), pipeline.settings());
    out << describe(report);
    return report.problems.empty() ? 0 : 1;
}

} // namespace fa::cli
