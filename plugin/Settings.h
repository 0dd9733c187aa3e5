// What a site configures (docs/configuration.md). Defaults work with no configuration file at all.
#pragma once

#include "dicom/ObjectExtractor.h"
#include "rules/Evaluator.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fa {

// A modality or PACS allowed to send: its AE title, optionally the host it must call from, and the
// character set assumed for its objects when they leave Specific Character Set empty.
struct Peer {
    std::string name;
    std::string aeTitle;
    std::string host;
    std::string characterSet;
};

struct ListenerSettings {
    std::string aeTitle = "FLUOROAUDIT";
    std::uint16_t port = 11112;
    int maxAssociations = 16;
    int acseTimeout_s = 30;
    int dimseTimeout_s = 60;
    std::uint32_t maxPdu = 116794;
    bool requireKnownPeers = false;
    int spoolMinFree_mb = 256;
    std::vector<Peer> peers;

    const Peer* peerByAeTitle(const std::string& callingAe) const;
};

struct LogSettings {
    std::string file; // "" = DATA/logs/fluoroaudit.log
    std::string rotateSize = "10M";
    int keep = 10;
    std::string level = "information";
};

struct Settings {
    std::string dataDir = "./fluoroaudit-data";
    bool storePatientIdentifiers = false;
    dicom::ExtractOptions extraction;
    ListenerSettings listener;
    int processingAttempts = 3; // a spooled object failing this often goes to quarantine
    rules::RuleSettings rules;
    std::string levelsFile; // a reference-level CSV to activate when it differs from the active one
    LogSettings log;

    std::string spoolDir() const { return dataDir + "/spool"; }
    std::string quarantineDir() const { return dataDir + "/quarantine"; }
    std::string logFile() const { return log.file.empty() ? dataDir + "/logs/fluoroaudit.log" : log.file; }
    std::string statusFile() const { return dataDir + "/status.json"; }
};

// Reads an INI file (see docs/configuration.md) over the defaults. Throws fa::Error listing every
// problem with its key.
Settings loadSettings(const std::string& configFile);

// Problems of settings given on the command line (port, AE title); "" when fine.
std::string checkAeTitle(const std::string& aeTitle);

} // namespace fa
