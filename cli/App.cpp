#include "cli/App.h"

#include "audit/Atna.h"
#include "core/Clock.h"
#include "core/Error.h"
#include "dicom/DcmtkLog.h"
#include "service/WebAddon.h"

#include <Poco/Logger.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <unistd.h>

namespace fa::cli {

namespace {
constexpr const char* kInstalledConfig = "/etc/fluoroaudit/fluoroaudit.ini";
}

namespace {

// Dates are typed as YYYY-MM-DD or YYYYMMDD and kept as YYYY-MM-DD.
void normaliseDate(const char* option, std::string& value) {
    if (!value.empty()) value = parseDateOption(option, value);
}

void addDateRange(CLI::App* command, std::string& from, std::string& to) {
    command->add_option("--from", from, "first study date, YYYY-MM-DD");
    command->add_option("--to", to, "last study date, YYYY-MM-DD");
}

bool progressShown() { return isatty(STDERR_FILENO) != 0; }

} // namespace

App::App() {
    app_.require_subcommand(1);
    app_.fallthrough(); // --data and --config are accepted before or after the subcommand
    app_.add_option("--data", dataDir_, "data folder (default: [data] dir of the configuration, else ./fluoroaudit-data)");
    app_.add_option("--config", configFile_,
                    "configuration file (INI, see docs/configuration.md); default $FLUOROAUDIT_CONFIG, else "
                    "/etc/fluoroaudit/fluoroaudit.ini when installed and no --data is given");
    addServiceCommands();
    addUserCommands();
    addStoreCommands();
    addLevelsCommands();
    addAuditCommands();
}

void App::addServiceCommands() {
    auto* serve = app_.add_subcommand("serve", "receive dose reports and images over DICOM until stopped");
    serve->add_option("--port", port_, "DICOM port (default 11112)")->check(CLI::Range(1, 65535));
    serve->add_option("--ae-title", aeTitle_, "this service's AE title (default FLUOROAUDIT)");
    serve->add_option("--http-port", httpPort_, "web UI and API port (default 8080; 0: none)")->check(CLI::Range(0, 65535));
    on(serve, [](Settings& s) { return serveCommand(s, webAddons(s)); });
    on(app_.add_subcommand("status", "is the service up? spool, quarantine, last object"),
       [](Settings& s) { return status(s, std::cout); });
    auto* quarantineCmd = app_.add_subcommand("quarantine", "list objects that could not be processed");
    quarantineCmd->add_option("--retry", retry_, "put the named object back into the spool");
    on(quarantineCmd, [this](Settings& s) { return quarantine(s, retry_, std::cout); });
    auto* backupCmd = app_.add_subcommand("backup", "copy the store (while serve runs, too) into a new folder");
    backupCmd->add_option("destination", backupDir_, "a new or empty folder")->required();
    on(backupCmd, [this](Settings& s) { return backup(s, backupDir_, std::cout); });
    auto* restoreCmd = app_.add_subcommand("restore", "put a backup back into the data folder (serve stopped)");
    restoreCmd->add_option("source", backupDir_, "a folder written by backup")->required();
    restoreCmd->add_flag("--replace", replaceStore_, "set the data folder's store aside and restore over it");
    on(restoreCmd, [this](Settings& s) { return restore(s, backupDir_, replaceStore_, std::cout); });
    onPipeline(app_.add_subcommand("check-store", "look at the whole study database for damage (exit 1 when damaged)"),
               [](Pipeline& p) { return checkStoreCommand(p, std::cout); });
    auto* storeCmd = app_.add_subcommand("store", "the study store: copy it into a group's PostgreSQL database");
    storeCmd->require_subcommand(1);
    auto* copyCmd = storeCmd->add_subcommand(
        "copy", "copy this site's SQLite store into PostgreSQL (again: resumes, copies nothing twice)");
    copyCmd->add_option("--to", copyTo_, "postgresql://USER@HOST:PORT/DATABASE")->required();
    copyCmd->add_option("--password-file", copyPasswordFile_,
                        "the PostgreSQL password, alone in a 0600 file (default [store] password_file, else PGPASSFILE)");
    on(copyCmd, [this](Settings& s) { return storeCopy(s, copyTo_, copyPasswordFile_, std::cout, std::cerr); });
    checkConfig_ = app_.add_subcommand("check-config", "report every problem of a configuration file");
    checkConfig_->add_option("file", checkFile_, "configuration file");
    checkConfig_->add_flag("--keys", listKeys_, "print every key with its type, default and meaning (Markdown)");
}

void App::addUserCommands() {
    auto* user = app_.add_subcommand("user", "local users of the web UI");
    user->require_subcommand(1);
    auto* add = user->add_subcommand("add", "add a user (password from standard input, or asked twice)");
    add->add_option("name", userName_, "user name")->required();
    add->add_option("--role", userRole_, "viewer, reviewer or admin")->required();
    onPipeline(add, [this](Pipeline& p) { return userAdd(p, userName_, userRole_, std::cin, std::cerr); });
    onPipeline(user->add_subcommand("list", "every user with role and state"),
               [](Pipeline& p) { return userList(p, std::cout); });
    auto* passwd = user->add_subcommand("passwd", "set a user's password");
    passwd->add_option("name", userName_, "user name")->required();
    onPipeline(passwd, [this](Pipeline& p) { return userPassword(p, userName_, std::cin, std::cerr); });
    auto* role = user->add_subcommand("role", "change a user's role");
    role->add_option("name", userName_, "user name")->required();
    role->add_option("role", userRole_, "viewer, reviewer or admin")->required();
    onPipeline(role, [this](Pipeline& p) { return userSetRole(p, userName_, userRole_, std::cout); });
    auto* disable = user->add_subcommand("disable", "stop a user from logging in");
    disable->add_option("name", userName_, "user name")->required();
    onPipeline(disable, [this](Pipeline& p) { return userDisable(p, userName_, true, std::cout); });
    auto* enable = user->add_subcommand("enable", "let a disabled user log in again");
    enable->add_option("name", userName_, "user name")->required();
    onPipeline(enable, [this](Pipeline& p) { return userDisable(p, userName_, false, std::cout); });
}

void App::addStoreCommands() {
    auto* ingestCmd = app_.add_subcommand("ingest", "read DICOM files or folders (recursively) into the study store");
    ingestCmd->add_option("paths", paths_, "files or folders")->required();
    onPipeline(ingestCmd, [this](Pipeline& p) { return ingest(p, paths_, progressShown(), std::cout, std::cerr); });
    onPipeline(app_.add_subcommand("reprocess",
                                   "re-extract every kept dose report (after an upgrade) and recompute the studies"),
               [](Pipeline& p) { return reprocess(p, progressShown(), std::cout, std::cerr); });
    auto* studiesCmd = app_.add_subcommand("studies", "list stored studies");
    addDateRange(studiesCmd, list_.from, list_.to);
    studiesCmd->add_flag("--json", list_.json, "print JSON (docs/json.md)");
    studiesCmd->add_option("--site", list_.site, "one site's studies only (sites sharing one database)");
    studiesCmd->add_option("--xlsx", list_.xlsx, "write an XLSX workbook: studies, their events, the DRL audit");
    onPipeline(studiesCmd, [this](Pipeline& p) {
        normaliseDate("--from", list_.from);
        normaliseDate("--to", list_.to);
        return studies(p, list_, std::cout);
    });
    auto* showCmd = app_.add_subcommand("show", "one study: summary, events and warnings");
    showCmd->add_option("study_uid", studyUid_, "Study Instance UID")->required();
    showCmd->add_flag("--json", showJson_, "print JSON (docs/json.md)");
    onPipeline(showCmd, [this](Pipeline& p) { return show(p, studyUid_, showJson_, std::cout, std::cerr); });
}

void App::addLevelsCommands() {
    auto* levels = app_.add_subcommand("levels", "the department's reference-level table");
    levels->require_subcommand(1);
    auto* import = levels->add_subcommand("import", "validate a CSV table and activate it as a new version");
    import->add_option("file", tableFile_, "CSV file (docs/reference-levels.md)")->required();
    import->add_flag("--site-only", siteOnly_,
                     "this site's own table (sites sharing a database); without it the group's default, which every "
                     "site without its own uses");
    onPipeline(import, [this](Pipeline& p) { return levelsImport(p, tableFile_, siteOnly_, std::cout, std::cerr); });
    auto* exportCmd = levels->add_subcommand("export", "write the active table as CSV");
    exportCmd->add_option("--output", exportFile_, "file to write (default: standard output)");
    onPipeline(exportCmd, [this](Pipeline& p) { return levelsExport(p, exportFile_, std::cout); });
    onPipeline(levels->add_subcommand("history", "every table version with when and where from"),
               [](Pipeline& p) { return levelsHistory(p, std::cout); });

    auto* staff = app_.add_subcommand("staff", "the staff dose estimate: each operator's year, the rates and operator profiles");
    staff->add_option("--year", staffYear_, "the year (default: this year)")->check(CLI::Range(1900, 9999));
    staff->add_flag("--json", staffJson_, "print JSON (docs/json.md)");
    for (const char* kind : {"rates", "profiles"}) {
        auto* staffImportCmd = staff->add_subcommand(std::string("import-") + kind,
                                             std::string("validate a CSV of ") + kind + " and use it as a new version");
        staffImportCmd->add_option("file", tableFile_, "CSV file (docs/staff-dose.md)")->required();
        onPipeline(staffImportCmd, [this, kind](Pipeline& p) { return staffImport(p, kind, tableFile_, std::cout, std::cerr); });
        auto* staffExportCmd = staff->add_subcommand(std::string("export-") + kind, std::string("write the ") + kind + " in use as CSV");
        staffExportCmd->add_option("--output", exportFile_, "file to write (default: standard output)");
        onPipeline(staffExportCmd, [this, kind](Pipeline& p) { return staffExport(p, kind, exportFile_, std::cout); });
    }
    // After its subcommands: the first parsed command runs.
    onPipeline(staff, [this](Pipeline& p) {
        return staffYear(p, staffYear_ ? staffYear_ : std::stoi(nowLocalIso().substr(0, 4)), staffJson_, std::cout);
    });

    auto* followUpsCmd = app_.add_subcommand("follow-ups", "follow-up of substantial doses: due dates, open and overdue");
    followUpsCmd->add_option("--state", followUpState_, "open (the default, overdue among them), overdue, closed, withdrawn or all")
        ->check(CLI::IsMember({"open", "overdue", "closed", "withdrawn", "all"}));
    followUpsCmd->add_flag("--json", followUpsJson_, "print JSON (docs/json.md)");
    onPipeline(followUpsCmd, [this](Pipeline& p) { return followUps(p, followUpState_, followUpsJson_, std::cout); });
    auto* followUpCmd = app_.add_subcommand("follow-up", "record what a follow-up found (in the audit trail)");
    followUpCmd->add_option("study_uid", studyUid_, "the study followed up")->required();
    followUpCmd->add_option("--outcome", outcome_, "none, erythema, desquamation, ulceration or other")->required();
    followUpCmd->add_option("--note", outcomeNote_, "what was seen (needed for other)");
    onPipeline(followUpCmd, [this](Pipeline& p) { return recordFollowUp(p, studyUid_, outcome_, outcomeNote_, std::cout, std::cerr); });

    auto* fhirCmd = app_.add_subcommand("fhir", "one study's dose as FHIR: an HL7 Radiation Dose Summary Observation (docs/fhir.md)");
    fhirCmd->add_option("study_uid", studyUid_, "Study Instance UID")->required();
    fhirCmd->add_flag("--bundle", fhirBundle_, "a transaction Bundle with the Patient, ImagingStudy and Device it refers to");
    onPipeline(fhirCmd, [this](Pipeline& p) { return fhirStudy(p, studyUid_, fhirBundle_, std::cout, std::cerr); });
    onPipeline(app_.add_subcommand("fhir-push", "send every study not yet sent, or changed since, to [fhir] url now"),
               [](Pipeline& p) { return fhirPush(p, std::cout, std::cerr); });

    auto* flagsCmd = app_.add_subcommand("flags", "studies above the reference levels, substantial and cumulative dose");
    addDateRange(flagsCmd, flags_.from, flags_.to);
    flagsCmd->add_option("--kind", flags_.kind, "above-reference, investigation, substantial or cumulative")
        ->check(CLI::IsMember({"above-reference", "investigation", "substantial", "cumulative"}));
    flagsCmd->add_flag("--json", flags_.json, "print JSON (docs/json.md)");
    flagsCmd->add_option("--site", flags_.site, "one site's flags only (sites sharing one database)");
    onPipeline(flagsCmd, [this](Pipeline& p) {
        normaliseDate("--from", flags_.from);
        normaliseDate("--to", flags_.to);
        return flags(p, flags_, std::cout);
    });
    auto* statsCmd = app_.add_subcommand("stats", "DRL audit: per procedure and metric n, median, 75th percentile, ...");
    addDateRange(statsCmd, stats_.from, stats_.to);
    statsCmd->add_flag("--by-device", stats_.byDevice, "one row per procedure and device");
    statsCmd->add_flag("--by-site", stats_.bySite,
                       "the regional DRL survey of the group's sites: each site's n, median and P75, the regional DRL "
                       "(P75 of the site medians) and the sites above it");
    statsCmd->add_option("--site", stats_.site, "one site's studies only");
    statsCmd->add_flag("--json", stats_.json, "print JSON (docs/json.md)");
    onPipeline(statsCmd, [this](Pipeline& p) {
        normaliseDate("--from", stats_.from);
        normaliseDate("--to", stats_.to);
        return stats(p, stats_, std::cout);
    });
}

void App::addAuditCommands() {
    auto* audit = app_.add_subcommand("audit", "the nightly audit: run it, list its runs; or re-evaluate every study");
    audit->add_flag("--reevaluate", reevaluate_, "classify and flag every study again");
    auto* nightly = audit->add_subcommand(
        "nightly", "reconcile with the PACS, find missing dose data, write and mail the report (default: yesterday)");
    nightly->add_option("--date", audit_.date, "the day to audit, YYYY-MM-DD");
    nightly->add_option("--from", audit_.from, "first day, YYYY-MM-DD");
    nightly->add_option("--to", audit_.to, "last day, YYYY-MM-DD");
    nightly->add_option("--pacs", pacs_, "the PACS to reconcile with, AET@HOST:PORT (overrides [pacs])");
    nightly->add_flag("--no-mail", audit_.noMail, "write the report but do not mail it");
    nightly->add_flag("--scheduled", audit_.scheduled,
                      "run as serve's schedule does (from a timer instead): once per site and day, even when "
                      "several processes of the site try");
    on(nightly, [this](Settings& s) {
        normaliseDate("--date", audit_.date);
        normaliseDate("--from", audit_.from);
        normaliseDate("--to", audit_.to);
        if (!pacs_.empty()) parsePacsAddress(pacs_, s.pacs);
        return auditNightly(s, audit_, std::cout, std::cerr);
    });
    auto* runs = audit->add_subcommand("runs", "the latest audit runs, newest first");
    runs->add_option("--limit", runsLimit_, "how many (default 20)");
    runs->add_flag("--json", runsJson_, "print JSON (docs/json.md)");
    onPipeline(runs, [this](Pipeline& p) { return auditRuns(p, runsLimit_, runsJson_, std::cout); });
    auto* showRun = audit->add_subcommand("show", "one audit run with its findings");
    showRun->add_option("run", runId_, "run number (see audit runs)")->required();
    showRun->add_flag("--json", runJson_, "print JSON (docs/json.md)");
    onPipeline(showRun, [this](Pipeline& p) { return auditShow(p, runId_, runJson_, std::cout, std::cerr); });
    // Last: `audit` alone is parsed too when one of its subcommands is.
    onPipeline(audit, [this](Pipeline& p) {
        if (!reevaluate_) throw Error("audit: give a subcommand (nightly, runs, show) or --reevaluate");
        return reevaluate(p, std::cout);
    });
}

// The configuration file when --config is not given: $FLUOROAUDIT_CONFIG, else the installed one
// (deploy/install-service.sh) when neither --data is given, so that `fluoroaudit status` on the
// server looks at the service's data folder; else none.
std::string App::configFile() const {
    if (!configFile_.empty()) return configFile_;
    if (const char* env = std::getenv("FLUOROAUDIT_CONFIG"); env && *env) return env;
    if (dataDir_.empty() && ::access(kInstalledConfig, R_OK) == 0) return kInstalledConfig;
    return {};
}

Settings App::settings() const {
    Settings settings = loadSettings(configFile());
    if (!dataDir_.empty()) settings.dataDir = dataDir_;
    if (port_) settings.listener.port = static_cast<std::uint16_t>(port_);
    if (!aeTitle_.empty()) {
        if (auto why = checkAeTitle(aeTitle_); !why.empty()) throw Error("--ae-title: " + why);
        settings.listener.aeTitle = aeTitle_;
    }
    if (httpPort_ >= 0) settings.http.port = httpPort_;
    return settings;
}

int App::dispatch() {
    if (checkConfig_->parsed()) {
        if (listKeys_) return printConfigKeys(std::cout);
        if (checkFile_.empty()) throw Error("check-config: give the configuration file to check (or --keys)");
        return checkConfig(checkFile_, std::cout);
    }
    Settings s = settings();
    // With [atna] destination, what a command does to users and exports, and serve's own events,
    // go to the audit repository (sent before the command ends).
    const AtnaRecorder atna(s, Poco::Logger::get("atna"));
    for (const auto& [command, run] : settingsCommands_)
        if (command->parsed()) return run(s);
    Pipeline pipeline(s);
    for (const auto& notice : pipeline.notices()) std::cerr << "fluoroaudit: " << notice << "\n";
    for (const auto& [command, run] : pipelineCommands_)
        if (command->parsed()) return run(pipeline);
    return 0;
}

int App::run(int argc, char** argv) {
    try {
        app_.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app_.exit(e);
    }
    dicom::quietDcmtkLog();
    try {
        return dispatch();
    } catch (const Error& e) {
        std::cerr << "fluoroaudit: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) { // a library's exception that a folder failed to translate
        std::cerr << "fluoroaudit: unexpected error: " << e.what() << "\n";
        return 2;
    }
}

} // namespace fa::cli
