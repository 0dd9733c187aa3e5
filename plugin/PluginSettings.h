// The plugin's part of Orthanc's configuration: the "FluoroAudit" section.
//   "FluoroAudit": { "DataDirectory": "/var/lib/fluoroaudit", "ConfigurationFile": "/etc/fluoroaudit.ini" }
// DataDirectory holds the same store as `fluoroaudit serve --data`, so every command of the CLI
// works on it; ConfigurationFile (optional) is a fluoroaudit INI (levels, mail, audit, privacy...).
#pragma once

#include "pipeline/Settings.h"

#include <string>

namespace fa::plugin {

// `orthancJson` is Orthanc's whole configuration (OrthancPluginGetConfiguration). Throws fa::Error
// naming the key when the section is missing or wrong, or when the INI file has problems.
Settings settingsFromOrthanc(const std::string& orthancJson);

} // namespace fa::plugin
