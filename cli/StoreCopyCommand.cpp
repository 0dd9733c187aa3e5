// store copy: a site's SQLite store into its group's PostgreSQL database.
#include "cli/Commands.h"

#include "core/Error.h"
#include "store/PatientKey.h"

#include <filesystem>
#include <ostream>

namespace fa::cli {

int storeCopy(const Settings& settings, const std::string& url, const std::string& passwordFile, std::ostream& out,
              std::ostream& err) {
    if (!store::isServerUrl(url)) throw Error("store copy: --to " + url + " is not a postgresql:// URL");
    const std::string file = settings.dataDir + "/fluoroaudit.db";
    if (!std::filesystem::is_regular_file(file))
        throw Error("store copy: " + settings.dataDir + " holds no SQLite store (no fluoroaudit.db; --data or --config?)");
    const std::string site = settings.siteName();
    // The site's store at the newest schema, its rows named after the site.
    {
        store::StudyStore source(file);
        source.setSite(site);
    }
    const store::PatientKeyer keyer(settings.dataDir + "/site-secret");
    store::StudyStore target(store::StoreLocation(url, passwordFile.empty() ? settings.store.passwordFile : passwordFile));
    target.setSite(site);
    err << "store copy: site " << site << ", " << file << " into " << url << "\n";
    const auto report = target.copyFrom(file, keyer.secret(), [&](const store::CopyReport& r) {
        err << "store copy: " << r.copied + r.alreadyThere << " of " << r.studies << " studies (" << r.copied
            << " copied, " << r.alreadyThere << " there already)\n";
    });
    out << "Copied site " << site << " into " << url << ": " << report.copied << " studies copied, " << report.alreadyThere
        << " there already, " << report.auditRuns << " audit runs\n";
    if (report.secretCopied) out << "  the group's patient-key secret is this site's: its patient keys hold in the group\n";
    if (report.secretDiffers)
        out << "  warning: the group's patient-key secret is another site's: this site's copied studies keep keys made "
               "with its own secret, so their cumulative dose does not join other sites' (docs/configuration.md, "
               "\"PostgreSQL\")\n";
    if (report.tablesKept)
        out << "  " << report.tablesKept << " table version(s) not copied: the group has its own reference and staff tables\n";
    for (const auto& u : report.usersKept) out << "  user " << u << " not copied: the group has one of that name\n";
    out << "Set [store] url = " << url << " in this site's configuration to use it.\n";
    return 0;
}

} // namespace fa::cli
