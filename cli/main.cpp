// `fluoroaudit`: the command line of the service.
#include "core/Error.h"
#include "dicom/DcmtkLog.h"
#include "pipeline/Pipeline.h"
#include "service/WebServer.h"
#include "pipeline/Receiver.h"
#include "cli/Commands.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    CLI::App app{"fluoroaudit: audit X-ray exposure of fluoroscopy-guided procedures"};
    app.require_subcommand(1);
    app.fallthrough(); // --data and --config are accepted before or after the subcommand
    std::string dataDir, configFile;
    app.add_option("--data", dataDir, "data folder (default ./fluoroaudit-data)");
    app.add_option("--config", configFile, "configuration file (INI, see docs/configuration.md)");

    int port = 0;
    std::string aeTitle;
    auto* serveCmd = app.add_subcommand("serve", "receive dose reports and images over DICOM until stopped");
    serveCmd->add_option("--port", port, "DICOM port (default 11112)")->check(CLI::Range(1, 65535));
    serveCmd->add_option("--ae-title", aeTitle, "this service's AE title (default FLUOROAUDIT)");
    int httpPort = -1;
    serveCmd->add_option("--http-port", httpPort, "web UI and API port (default 8080; 0: none)")->check(CLI::Range(0, 65535));

    std::string userName, userRole;
    auto* userCmd = app.add_subcommand("user", "local users of the web UI");
    userCmd->require_subcommand(1);
    auto* userAddCmd = userCmd->add_subcommand("add", "add a user (password from standard input, or asked twice)");
    userAddCmd->add_option("name", userName, "user name")->required();
    userAddCmd->add_option("--role", userRole, "viewer, reviewer or admin")->required();
    auto* userListCmd = userCmd->add_subcommand("list", "every user with role and state");
    auto* userPasswdCmd = userCmd->add_subcommand("passwd", "set a user's password");
    userPasswdCmd->add_option("name", userName, "user name")->required();
    auto* userRoleCmd = userCmd->add_subcommand("role", "change a user's role");
    userRoleCmd->add_option("name", userName, "user name")->required();
    userRoleCmd->add_option("role", userRole, "viewer, reviewer or admin")->required();
    auto* userDisableCmd = userCmd->add_subcommand("disable", "stop a user from logging in");
    userDisableCmd->add_option("name", userName, "user name")->required();
    auto* userEnableCmd = userCmd->add_subcommand("enable", "let a disabled user log in again");
    userEnableCmd->add_option("name", userName, "user name")->required();

    auto* statusCmd = app.add_subcommand("status", "is the service up? spool, quarantine, last object");

    std::string retry;
    auto* quarantineCmd = app.add_subcommand("quarantine", "list objects that could not be processed");
    quarantineCmd->add_option("--retry", retry, "put the named object back into the spool");

    std::string checkFile;
    auto* checkCmd = app.add_subcommand("check-config", "report every problem of a configuration file");
    checkCmd->add_option("file", checkFile, "configuration file")->required();

    std::vector<std::string> paths;
    auto* ingestCmd = app.add_subcommand("ingest", "read DICOM files or folders (recursively) into the study store");
    ingestCmd->add_option("paths", paths, "files or folders")->required();

    auto* reprocessCmd =
        app.add_subcommand("reprocess", "re-extract every kept dose report (after an upgrade) and recompute the studies");

    std::string levelsFile;
    auto* levelsCmd = app.add_subcommand("levels", "the department's reference-level table");
    levelsCmd->require_subcommand(1);
    auto* importCmd = levelsCmd->add_subcommand("import", "validate a CSV table and activate it as a new version");
    importCmd->add_option("file", levelsFile, "CSV file (docs/reference-levels.md)")->required();
    std::string exportFile;
    auto* exportCmd = levelsCmd->add_subcommand("export", "write the active table as CSV");
    exportCmd->add_option("--output", exportFile, "file to write (default: standard output)");
    auto* historyCmd = levelsCmd->add_subcommand("history", "every table version with when and where from");

    fa::cli::FlagOptions flagOptions;
    std::string flagFrom, flagTo;
    auto* flagsCmd = app.add_subcommand("flags", "studies above the reference levels, substantial and cumulative dose");
    flagsCmd->add_option("--from", flagFrom, "first study date, YYYY-MM-DD");
    flagsCmd->add_option("--to", flagTo, "last study date, YYYY-MM-DD");
    flagsCmd->add_option("--kind", flagOptions.kind, "above-reference, investigation, substantial or cumulative")
        ->check(CLI::IsMember({"above-reference", "investigation", "substantial", "cumulative"}));
    flagsCmd->add_flag("--json", flagOptions.json, "print JSON (docs/json.md)");

    fa::cli::StatsOptions statsOptions;
    std::string statsFrom, statsTo;
    auto* statsCmd = app.add_subcommand("stats", "DRL audit: per procedure and metric n, median, 75th percentile, ...");
    statsCmd->add_option("--from", statsFrom, "first study date, YYYY-MM-DD");
    statsCmd->add_option("--to", statsTo, "last study date, YYYY-MM-DD");
    statsCmd->add_flag("--by-device", statsOptions.byDevice, "one row per procedure and device");
    statsCmd->add_flag("--json", statsOptions.json, "print JSON (docs/json.md)");

    bool reevaluateAll = false;
    auto* auditCmd = app.add_subcommand("audit", "the nightly audit: run it, list its runs; or re-evaluate every study");
    auditCmd->add_flag("--reevaluate", reevaluateAll, "classify and flag every study again");
    fa::cli::AuditOptions auditOptions;
    std::string auditDate, auditFrom, auditTo, pacs;
    auto* nightlyCmd = auditCmd->add_subcommand(
        "nightly", "reconcile with the PACS, find missing dose data, write and mail the report (default: yesterday)");
    nightlyCmd->add_option("--date", auditDate, "the day to audit, YYYY-MM-DD");
    nightlyCmd->add_option("--from", auditFrom, "first day, YYYY-MM-DD");
    nightlyCmd->add_option("--to", auditTo, "last day, YYYY-MM-DD");
    nightlyCmd->add_option("--pacs", pacs, "the PACS to reconcile with, AET@HOST:PORT (overrides [pacs])");
    nightlyCmd->add_flag("--no-mail", auditOptions.noMail, "write the report but do not mail it");
    std::size_t runsLimit = 20;
    bool runsJson = false;
    auto* runsCmd = auditCmd->add_subcommand("runs", "the latest audit runs, newest first");
    runsCmd->add_option("--limit", runsLimit, "how many (default 20)");
    runsCmd->add_flag("--json", runsJson, "print JSON (docs/json.md)");
    std::int64_t runId = 0;
    bool runJson = false;
    auto* runCmd = auditCmd->add_subcommand("show", "one audit run with its findings");
    runCmd->add_option("run", runId, "run number (see audit runs)")->required();
    runCmd->add_flag("--json", runJson, "print JSON (docs/json.md)");

    fa::cli::ListOptions list;
    std::string from, to;
    auto* studiesCmd = app.add_subcommand("studies", "list stored studies");
    studiesCmd->add_option("--from", from, "first study date, YYYY-MM-DD");
    studiesCmd->add_option("--to", to, "last study date, YYYY-MM-DD");
    studiesCmd->add_flag("--json", list.json, "print JSON (docs/json.md)");

    std::string studyUid;
    bool showJson = false;
    auto* showCmd = app.add_subcommand("show", "one study: summary, events and warnings");
    showCmd->add_option("study_uid", studyUid, "Study Instance UID")->required();
    showCmd->add_flag("--json", showJson, "print JSON (docs/json.md)");

    CLI11_PARSE(app, argc, argv);
    fa::dicom::quietDcmtkLog();
    try {
        if (checkCmd->parsed()) return fa::cli::checkConfig(checkFile, std::cout);
        fa::Settings settings = fa::loadSettings(configFile);
        if (!dataDir.empty()) settings.dataDir = dataDir;
        if (port) settings.listener.port = static_cast<std::uint16_t>(port);
        if (!aeTitle.empty()) {
            if (auto why = fa::checkAeTitle(aeTitle); !why.empty()) throw fa::Error("--ae-title: " + why);
            settings.listener.aeTitle = aeTitle;
        }
        if (httpPort >= 0) settings.http.port = httpPort;
        if (serveCmd->parsed()) {
            std::vector<fa::AddonFactory> addons;
            if (settings.http.port > 0)
                addons.push_back([&settings](fa::Receiver& receiver) -> std::unique_ptr<fa::ServiceAddon> {
                    struct Web : fa::ServiceAddon {
                        explicit Web(const fa::Settings& s, fa::api::ServiceProbe p) : server(s, std::move(p)) {
                            server.start();
                        }
                        fa::api::WebServer server;
                    };
                    fa::api::ServiceProbe probe;
                    probe.listening = [&receiver] { return receiver.listening(); };
                    probe.received = [&receiver] { return receiver.received(); };
                    probe.processingFailures = [&receiver] { return receiver.processingFailures(); };
                    return std::make_unique<Web>(settings, std::move(probe));
                });
            return fa::cli::serveCommand(settings, addons);
        }
        if (statusCmd->parsed()) return fa::cli::status(settings, std::cout);
        if (quarantineCmd->parsed()) return fa::cli::quarantine(settings, retry, std::cout);
        if (nightlyCmd->parsed()) {
            if (!auditDate.empty()) auditOptions.date = fa::cli::parseDateOption("--date", auditDate);
            if (!auditFrom.empty()) auditOptions.from = fa::cli::parseDateOption("--from", auditFrom);
            if (!auditTo.empty()) auditOptions.to = fa::cli::parseDateOption("--to", auditTo);
            if (!pacs.empty()) fa::parsePacsAddress(pacs, settings.pacs);
            return fa::cli::auditNightly(settings, auditOptions, std::cout, std::cerr);
        }
        fa::Pipeline pipeline(settings);
        for (const auto& notice : pipeline.notices()) std::cerr << "fluoroaudit: " << notice << "\n";
        if (userAddCmd->parsed()) return fa::cli::userAdd(pipeline, userName, userRole, std::cin, std::cerr);
        if (userListCmd->parsed()) return fa::cli::userList(pipeline, std::cout);
        if (userPasswdCmd->parsed()) return fa::cli::userPassword(pipeline, userName, std::cin, std::cerr);
        if (userRoleCmd->parsed()) return fa::cli::userSetRole(pipeline, userName, userRole, std::cout);
        if (userDisableCmd->parsed()) return fa::cli::userDisable(pipeline, userName, true, std::cout);
        if (userEnableCmd->parsed()) return fa::cli::userDisable(pipeline, userName, false, std::cout);
        if (importCmd->parsed()) return fa::cli::levelsImport(pipeline, levelsFile, std::cout, std::cerr);
        if (exportCmd->parsed()) return fa::cli::levelsExport(pipeline, exportFile, std::cout);
        if (historyCmd->parsed()) return fa::cli::levelsHistory(pipeline, std::cout);
        if (flagsCmd->parsed()) {
            if (!flagFrom.empty()) flagOptions.from = fa::cli::parseDateOption("--from", flagFrom);
            if (!flagTo.empty()) flagOptions.to = fa::cli::parseDateOption("--to", flagTo);
            return fa::cli::flags(pipeline, flagOptions, std::cout);
        }
        if (statsCmd->parsed()) {
            if (!statsFrom.empty()) statsOptions.from = fa::cli::parseDateOption("--from", statsFrom);
            if (!statsTo.empty()) statsOptions.to = fa::cli::parseDateOption("--to", statsTo);
            return fa::cli::stats(pipeline, statsOptions, std::cout);
        }
        if (runsCmd->parsed()) return fa::cli::auditRuns(pipeline, runsLimit, runsJson, std::cout);
        if (runCmd->parsed()) return fa::cli::auditShow(pipeline, runId, runJson, std::cout, std::cerr);
        if (auditCmd->parsed()) {
            if (!reevaluateAll) throw fa::Error("audit: give a subcommand (nightly, runs, show) or --reevaluate");
            return fa::cli::reevaluate(pipeline, std::cout);
        }
        if (ingestCmd->parsed())
            return fa::cli::ingest(pipeline, paths, isatty(STDERR_FILENO) != 0, std::cout, std::cerr);
        if (reprocessCmd->parsed()) return fa::cli::reprocess(pipeline, isatty(STDERR_FILENO) != 0, std::cout, std::cerr);
        if (studiesCmd->parsed()) {
            if (!from.empty()) list.from = fa::cli::parseDateOption("--from", from);
            if (!to.empty()) list.to = fa::cli::parseDateOption("--to", to);
            return fa::cli::studies(pipeline, list, std::cout);
        }
        if (showCmd->parsed()) return fa::cli::show(pipeline, studyUid, showJson, std::cout, std::cerr);
    } catch (const fa::Error& e) {
        std::cerr << "fluoroaudit: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
