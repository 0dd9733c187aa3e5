// The plugin's part of Orthanc's configuration: the "FluoroAudit" section.
//   "FluoroAudit": { "DataDirectory": "/var/lib/fluoroaudit", "ConfigurationFile": "/etc/fluoroaudit.ini",
//                    "PacsModality": "mainpacs" }
// DataDirectory holds the same store as `fluoroaudit serve --data`, so every command of the CLI
// works on it; ConfigurationFile (optional) is a fluoroaudit INI (levels, mail, audit, privacy...);
// PacsModality (optional) names the modality of Orthanc's DicomModalities the nightly audit
// reconciles with, through Orthanc (without it: with what Orthanc itself holds).
#pragma once

#include "pipeline/Settings.h"

#include <string>

namespace fa::plugin {

struct PluginSettings {
    Settings settings;
    std::string pacsModality; // "" : Orthanc itself
};

// `orthancJson` is Orthanc's whole configuration (OrthancPluginGetConfiguration). Throws fa::Error
// naming the key when the section is missing or wrong, or when the INI file has problems.
PluginSettings settingsFromOrthanc(const std::string& orthancJson);

} // namespace fa::plugin
