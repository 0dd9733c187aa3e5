#include "core/Error.h"
#include "pipeline/ConfigKeys.h"
#include "dicom/Echo.h"
#include "dicom/Spool.h"
#include "service/Logging.h"
#include "service/Service.h"
#include "pipeline/SpoolProcessor.h"
#include "cli/Commands.h"
#include "present/Display.h"

#include <cstdio>
#include <filesystem>
#include <ostream>

namespace fa::cli {

using namespace fa::present;

int serveCommand(const Settings& settings, const std::vector<AddonFactory>& addons) {
    configureLogging(settings);
    return serve(settings, addons);
}

int status(const Settings& settings, std::ostream& out) {
    const ServiceStatus s = readStatus(settings);
    std::size_t spooled = 0;
    if (std::filesystem::is_directory(settings.spoolDir())) spooled = dicom::Spool(settings.spoolDir()).pending().size();
    const std::size_t quarantined = listQuarantine(settings).size();
    auto row = [&](const char* label, const std::string& value) {
        out << "  " << label << std::string(20 - displayWidth(label), ' ') << value << "\n";
    };
    bool up = false;
    if (!s.found) {
        out << "fluoroaudit is not running: it was never started with the data folder " << settings.dataDir << "\n";
    } else {
        const dicom::EchoResult echo =
            s.running ? dicom::echo("127.0.0.1", static_cast<std::uint16_t>(s.port), s.aeTitle) : dicom::EchoResult{};
        up = s.running && echo.answered;
        if (up && echo.echoed)
            out << "fluoroaudit is running and answers C-ECHO as " << s.aeTitle << " on port " << s.port << "\n";
        else if (up)
            out << "fluoroaudit is running on port " << s.port << " and refuses this check (" << echo.detail
                << "): it admits known peers only\n";
        else if (s.running) out << "fluoroaudit is running (pid " << s.pid << ") but does not answer: " << echo.detail << "\n";
        else if (s.state == "running")
            out << "fluoroaudit is not running: it ended without stopping (killed or crashed) after " << s.updatedAt
                << "; see its log\n";
        else out << "fluoroaudit is not running (stopped at " << s.updatedAt << ")\n";
        row("Process", std::to_string(s.pid));
        if (!s.webUrl.empty()) row("Web UI", s.webUrl);
        row("Started", s.startedAt);
        row("Status written", s.updatedAt);
        row("Objects received", std::to_string(s.received));
        row("Last object", s.lastObjectAt.empty() ? "none yet" : s.lastObjectAt + " from " + s.lastCallingAe);
        if (!s.lastStudyUid.empty()) row("Last study", s.lastStudyUid);
    }
    row("Spool", std::to_string(spooled) + " waiting");
    row("Quarantine", std::to_string(quarantined) + (quarantined ? " (list with: fluoroaudit quarantine)" : ""));
    return up ? 0 : 3;
}

int quarantine(const Settings& settings, const std::string& retry, std::ostream& out) {
    if (!retry.empty()) {
        retryQuarantined(settings, retry);
        out << "Moved " << retry << " back into the spool: the running service processes it within a second.\n";
        return 0;
    }
    const auto items = listQuarantine(settings);
    if (items.empty()) {
        out << "The quarantine is empty.\n";
        return 0;
    }
    Table t({"Object", "Bytes", "Reason"});
    for (const auto& q : items) t.add({q.name, std::to_string(q.size), q.reason});
    out << t.render() << items.size() << " quarantined; put one back with: fluoroaudit quarantine --retry NAME\n";
    return 0;
}

int printConfigKeys(std::ostream& out) {
    out << configKeysMarkdown();
    return 0;
}

int checkConfig(const std::string& file, std::ostream& out) {
    const Settings s = loadSettings(file); // throws with every problem and its key
    out << file << ": configuration is valid\n"
        << "  AE title " << s.listener.aeTitle << ", port " << s.listener.port << ", at most "
        << s.listener.maxAssociations << " associations, " << s.listener.peers.size() << " known peer(s)"
        << (s.listener.requireKnownPeers ? " (required)" : "") << "\n"
        << "  data folder " << s.dataDir << ", log " << s.logFile() << "\n"
        << "  reference levels " << (s.levelsFile.empty() ? "from the store (built-in example at first)" : s.levelsFile)
        << ", " << s.rules.deviceProfiles.size() << " device profile(s)\n";
    char at[8];
    std::snprintf(at, sizeof at, "%02d:%02d", s.audit.hour, s.audit.minute);
    out << "  nightly audit " << (s.audit.scheduled ? std::string("daily at ") + at + " (inside serve)" : "not scheduled")
        << ", reports in " << s.reportsDir() << "\n";
    if (s.pacs.configured())
        out << "  PACS " << s.pacs.aeTitle << "@" << s.pacs.host << ":" << s.pacs.port << ", retrieve by "
            << (s.pacs.retrieve == "get" ? std::string("C-GET")
                                         : "C-MOVE to " + (s.pacs.moveDestination.empty() ? s.listener.aeTitle
                                                                                           : s.pacs.moveDestination))
            << "\n";
    else
        out << "  no PACS to reconcile with\n";
    if (s.mail.to.empty()) out << "  the report is not mailed (no [mail] to)\n";
    else {
        out << "  report mailed to";
        for (const auto& to : s.mail.to) out << " " << to;
        out << " via " << s.mail.host << ":" << s.mail.port << (s.mail.starttls ? " (STARTTLS)" : "") << "\n";
    }
    return 0;
}

} // namespace fa::cli
