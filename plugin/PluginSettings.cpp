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
        throw Error("\"FluoroAudit\": \"" + key + "\" must be a non-empty string");
    return value.extract<std::string>();
}

} // namespace

PluginSettings settingsFromOrthanc(const std::string& orthancJson) {
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
        if (key != "DataDirectory" && key != "ConfigurationFile" && key != "PacsModality")
            throw Error("\"FluoroAudit\": unknown key \"" + key +
                        "\" (known: DataDirectory, ConfigurationFile, PacsModality)");
    const std::string dataDir = text(*section, "DataDirectory", true);
    const std::string iniFile = text(*section, "ConfigurationFile", false);
    PluginSettings s;
    s.pacsModality = text(*section, "PacsModality", false);
    if (!s.pacsModality.empty()) {
        const Poco::JSON::Object::Ptr modalities = root->has("DicomModalities") ? root->getObject("DicomModalities") : nullptr;
        const bool inDatabase = root->has("DicomModalitiesInDatabase") && root->get("DicomModalitiesInDatabase").isBoolean() &&
                                root->getValue<bool>("DicomModalitiesInDatabase");
        if (!inDatabase && (!modalities || !modalities->has(s.pacsModality))) {
            std::string known;
            if (modalities)
                for (const auto& [name, value] : *modalities) known += (known.empty() ? "" : ", ") + name;
            throw Error("\"FluoroAudit\": \"PacsModality\": \"" + s.pacsModality + "\" is not in \"DicomModalities\" (" +
                        (known.empty() ? "which is empty" : "known: " + known) + ")");
        }
    }
    s.settings = loadSettings(iniFile); // throws naming the file and its problems
    s.settings.dataDir = std::filesystem::absolute(dataDir).lexically_normal().string();
    return s;
}

} // namespace fa::plugin
