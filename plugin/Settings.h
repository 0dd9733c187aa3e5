// What a site configures. Defaults work with no configuration file at all.
#pragma once

#include "dicom/ObjectExtractor.h"

#include <string>

namespace fa {

struct Settings {
    std::string dataDir = "./fluoroaudit-data";
    bool storePatientIdentifiers = false;
    dicom::ExtractOptions extraction;
};

// Reads an INI file (see docs/configuration.md) over the defaults. Throws fa::Error listing every
// problem with its key.
Settings loadSettings(const std::string& configFile);

} // namespace fa
