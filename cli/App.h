// The `fluoroaudit` command line: its subcommands, their options, and the one place where an
// error becomes a message and an exit code.
#pragma once

#include "cli/Commands.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace fa::cli {

class App {
public:
    App();
    // Parses and runs one subcommand; returns the process exit code. Never throws: every error is
    // one line on standard error.
    int run(int argc, char** argv);

private:
    void addServiceCommands();
    void addUserCommands();
    void addStoreCommands();
    void addLevelsCommands();
    void addAuditCommands();
    int dispatch();
    Settings settings() const;
    std::string configFile() const;

    // A subcommand and what it runs: with the settings only, or with an open pipeline.
    using WithSettings = std::function<int(Settings&)>;
    using WithPipeline = std::function<int(Pipeline&)>;
    void on(CLI::App* command, WithSettings run) { settingsCommands_.emplace_back(command, std::move(run)); }
    void onPipeline(CLI::App* command, WithPipeline run) { pipelineCommands_.emplace_back(command, std::move(run)); }

    CLI::App app_{"fluoroaudit: audit X-ray exposure of fluoroscopy-guided procedures"};
    std::string dataDir_, configFile_;
    std::string copyTo_, copyPasswordFile_;
    bool siteOnly_ = false;
    std::vector<std::pair<CLI::App*, WithSettings>> settingsCommands_;
    std::vector<std::pair<CLI::App*, WithPipeline>> pipelineCommands_;
    CLI::App* checkConfig_ = nullptr;
    std::string checkFile_;
    bool listKeys_ = false;

    // Option values, bound by the add*Commands functions and read when a command runs.
    int port_ = 0, httpPort_ = -1;
    std::string aeTitle_, userName_, userRole_, retry_, tableFile_, exportFile_, studyUid_, backupDir_;
    bool replaceStore_ = false;
    int staffYear_ = 0;
    bool staffJson_ = false;
    std::string followUpState_ = "open", outcome_, outcomeNote_;
    bool followUpsJson_ = false;
    bool fhirBundle_ = false;
    std::vector<std::string> paths_;
    FlagOptions flags_;
    StatsOptions stats_;
    ListOptions list_;
    AuditOptions audit_;
    std::string pacs_;
    bool reevaluate_ = false, showJson_ = false, runsJson_ = false, runJson_ = false;
    std::size_t runsLimit_ = 20;
    std::int64_t runId_ = 0;
};

} // namespace fa::cli
