#include "plugin/Settings.h"

#include "core/Error.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <filesystem>
#include <set>
#include <vector>

namespace fa {

namespace {

const std::set<std::string> kKnownKeys = {"data.dir", "privacy.store_patient_identifiers", "charset.default"};

std::optional<bool> parseBool(const std::string& v) {
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    return std::nullopt;
}

void collectKeys(Poco::Util::AbstractConfiguration& c, const std::string& prefix, std::vector<std::string>& out) {
    Poco::Util::AbstractConfiguration::Keys keys;
    c.keys(prefix, keys);
    if (keys.empty() && !prefix.empty()) {
        out.push_back(prefix);
        return;
    }
    for (const auto& k : keys) collectKeys(c, prefix.empty() ? k : prefix + "." + k, out);
}

} // namespace

Settings loadSettings(const std::string& configFile) {
    Settings s;
    if (configFile.empty()) return s;
    if (!std::filesystem::is_regular_file(configFile))
        throw Error("configuration file " + configFile + " does not exist or is not a file");
    Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini;
    try {
        ini = new Poco::Util::IniFileConfiguration(configFile);
    } catch (const Poco::Exception& e) {
        throw Error("cannot read configuration file " + configFile + ": " + e.displayText());
    }
    std::vector<std::string> problems, keys;
    collectKeys(*ini, "", keys);
    for (const auto& key : keys) {
        const std::string value = ini->getString(key);
        if (key == "data.dir") {
            if (value.empty()) problems.push_back("[data] dir: must not be empty");
            else s.dataDir = value;
        } else if (key == "privacy.store_patient_identifiers") {
            if (auto b = parseBool(value)) s.storePatientIdentifiers = *b;
            else problems.push_back("[privacy] store_patient_identifiers: '" + value + "' is not true or false");
        } else if (key == "charset.default") {
            s.extraction.defaultCharacterSet = value;
        } else if (key.rfind("device_charsets.", 0) == 0) {
            s.extraction.deviceCharacterSets[key.substr(16)] = value;
        } else {
            problems.push_back("[" + key.substr(0, key.find('.')) + "] " + key.substr(key.find('.') + 1) +
                               ": unknown key (see docs/configuration.md)");
        }
    }
    if (!problems.empty()) {
        std::string text = "configuration file " + configFile + " has " + std::to_string(problems.size()) +
                           " problem(s):";
        for (const auto& p : problems) text += "\n  " + p;
        throw Error(text);
    }
    return s;
}

} // namespace fa
