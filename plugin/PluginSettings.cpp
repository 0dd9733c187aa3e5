#include "plugin/PluginSettings.h"

#include "core/Error.h"

#include <Poco/JSON/Parser.h>

#include <filesystem>

namespace fa::plugin {

namespace {

std::string text(const Poco::JSON::Object& section, const std::string& key, bool required) {
    if (!section.has(key)) {
        if (required) throw Error("\"FluoroAudit\" has no \"" + key + "\" (where the plugin keeps its store)");
        return {};
    }
    const Poco::Dynamic::Var value = section.get(key);
    if (!value.isString() || value.extract<std::string>().empty())
        throw Error("\"FluoroAudit\": \"" + key + "\" must be a non-empty string (a path)");
    return value.extract<std::string>();
}

} // namespace

Settings settingsFromOrthanc(const std::string& orthancJson) {
    Poco::JSON::Object::Ptr root;
    try {
        root = Poco::JSON::Parser().parse(orthancJson).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error("Orthanc's configuration cannot be read: " + e.displayText());
    }
    if (!root->has("FluoroAudit"))
        throw Error("Orthanc's configuration has no \"FluoroAudit\" section (at least \"DataDirectory\")");
    const Poco::JSON::Object::Ptr section = root->getObject("FluoroAudit");
    if (!section) throw Error("\"FluoroAudit\" must be an object, e.g. {\"DataDirectory\": \"/var/lib/fluoroaudit\"}");
    for (const auto& [key, value] : *section)
        if (key != "DataDirectory" && key != "ConfigurationFile")
            throw Error("\"FluoroAudit\": unknown key \"" + key + "\" (known: DataDirectory, ConfigurationFile)");
    const std::string dataDir = text(*section, "DataDirectory", true);
    const std::string iniFile = text(*section, "ConfigurationFile", false);
    Settings s = loadSettings(iniFile); // throws naming the file and its problems
    s.dataDir = std::filesystem::absolute(dataDir).lexically_normal().string();
    return s;
}

} // namespace fa::plugin
