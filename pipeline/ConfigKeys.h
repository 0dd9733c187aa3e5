// The one table of configuration keys: each key's type, validation and meaning. It parses
// (loadSettings), validates (check-config and serve run the same code), documents
// (`fluoroaudit check-config --keys`) and answers unknown keys with a "did you mean".
// Defaults are stated once, in the Settings structs; the table reads them from there.
#pragma once

#include "pipeline/Settings.h"

#include <functional>
#include <string>
#include <vector>

namespace fa {

struct ConfigKey {
    std::string section; // "dicom"; "peer.NAME" for sections a site names itself
    std::string name;    // "port"; "*" for any key (the devices of [device_charsets])
    std::string type;    // what a valid value looks like, for people
    std::string help;
    // Sets the value in `s`; returns "" or why `value` is not valid. `instance` is the NAME of a
    // named section, or the key itself for "*".
    std::function<std::string(Settings& s, const std::string& instance, const std::string& value)> set;
    // The default as written in a file ("" when there is none).
    std::function<std::string()> defaultText;
};

const std::vector<ConfigKey>& configKeys();
// The table as built from its sections (pipeline/ConfigTable.cpp); configKeys() keeps one.
std::vector<ConfigKey> buildConfigKeys();

// The table entry for an INI key as Poco reads it ("dicom.port", "peer.ARCADIS.ae_title"), or
// nullptr; `instance` receives the NAME of a named section.
const ConfigKey* findConfigKey(const std::string& dottedKey, std::string& instance);

// "did you mean [dicom] port?" for a key that is close to a known one; "" when none is.
std::string didYouMean(const std::string& dottedKey);

// The table as Markdown rows (section, key, type, default, meaning).
std::string configKeysMarkdown();

} // namespace fa
