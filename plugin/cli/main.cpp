// `fluoroaudit`: the command line of the service.
#include "core/Error.h"
#include "dicom/DcmtkLog.h"
#include "plugin/Pipeline.h"
#include "plugin/cli/Commands.h"

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

    std::vector<std::string> paths;
    auto* ingestCmd = app.add_subcommand("ingest", "read DICOM files or folders (recursively) into the study store");
    ingestCmd->add_option("paths", paths, "files or folders")->required();

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
        fa::Settings settings = fa::loadSettings(configFile);
        if (!dataDir.empty()) settings.dataDir = dataDir;
        fa::Pipeline pipeline(settings);
        if (ingestCmd->parsed())
            return fa::cli::ingest(pipeline, paths, isatty(STDERR_FILENO) != 0, std::cout, std::cerr);
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
