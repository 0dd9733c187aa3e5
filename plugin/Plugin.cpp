// fluoroaudit inside Orthanc: the entry points of Orthanc's plugin C ABI. Every one catches
// everything: no exception ever reaches Orthanc. Bad configuration leaves the plugin inactive with
// one line in Orthanc's log naming the key; Orthanc itself keeps running. Once Orthanc has
// started: the change follower files what Orthanc stores, the nightly audit runs on its schedule,
// and with [fhir] url in the INI the studies go to that FHIR server as they change.
#include "api/WebFiles.h"
#include "audit/AuditScheduler.h"
#include "audit/FhirPusher.h"
#include "plugin/ChangeFollower.h"
#include "plugin/OrthancLog.h"
#include "plugin/OrthancPacs.h"
#include "plugin/PluginSettings.h"
#include "plugin/RestBridge.h"

#include <orthanc/OrthancCPlugin.h>

#include <Poco/Logger.h>

#include <dlfcn.h>
#include <filesystem>
#include <memory>
#include <string>

namespace {

OrthancPluginContext* context = nullptr;
std::unique_ptr<fa::plugin::ChangeFollower> follower;
std::unique_ptr<fa::AuditScheduler> scheduler;
std::unique_ptr<fa::FhirPusher> fhir;

void stopAll() {
    if (fhir) fhir->stop();
    if (scheduler) scheduler->stop(); // a run in progress ends early, recorded as partial
    if (follower) follower->stop();
}

OrthancPluginErrorCode onChange(OrthancPluginChangeType type, OrthancPluginResourceType, const char*) {
    try {
        if (!follower) return OrthancPluginErrorCode_Success;
        // The REST API may be called only once Orthanc has started, and only from our own thread.
        if (type == OrthancPluginChangeType_OrthancStarted) {
            follower->start();
            if (scheduler) scheduler->start();
            if (fhir) fhir->start();
        } else if (type == OrthancPluginChangeType_NewInstance) {
            follower->wake();
        } else if (type == OrthancPluginChangeType_OrthancStopped) {
            stopAll();
        }
    } catch (...) {
    }
    return OrthancPluginErrorCode_Success;
}

// The built web UI: [http] web_dir of the INI, else beside this library (build tree: ../bin/web;
// installed: ../share/fluoroaudit/web).
std::string webFolder(const fa::Settings& settings) {
    if (!settings.http.webDir.empty()) return settings.http.webDir;
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&onChange), &info) == 0 || !info.dli_fname) return {};
    // Orthanc loads it through the link in its plugins folder: look beside the library itself.
    std::error_code ec;
    const std::filesystem::path library = std::filesystem::canonical(info.dli_fname, ec);
    return fa::api::WebFiles::besideBinary(ec ? std::string(info.dli_fname) : library.string());
}

std::string orthancConfiguration() {
    char* json = OrthancPluginGetConfiguration(context);
    if (!json) return "{}";
    std::string out(json);
    OrthancPluginFreeString(context, json);
    return out;
}

} // namespace

extern "C" {

ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* c) {
    context = c;
    try {
        if (!OrthancPluginCheckVersion(c)) {
            fa::plugin::logError(c, std::string("fluoroaudit: needs Orthanc ") +
                                        std::to_string(ORTHANC_PLUGINS_MINIMAL_MAJOR_NUMBER) + "." +
                                        std::to_string(ORTHANC_PLUGINS_MINIMAL_MINOR_NUMBER) + " or later, this is " +
                                        c->orthancVersion + "; the plugin stays inactive");
            return 0;
        }
        OrthancPluginSetDescription(c, "X-ray dose audit of fluoroscopy-guided procedures (fluoroaudit)");
        fa::plugin::routePocoLoggingToOrthanc(c);
        const fa::plugin::PluginSettings plugin = fa::plugin::settingsFromOrthanc(orthancConfiguration());
        const fa::Settings& settings = plugin.settings;
        follower = std::make_unique<fa::plugin::ChangeFollower>(c, settings);
        const std::string modality = plugin.pacsModality;
        scheduler = std::make_unique<fa::AuditScheduler>(
            settings, [c, modality] { return std::make_unique<fa::plugin::OrthancPacs>(c, modality); });
        fhir = std::make_unique<fa::FhirPusher>(settings, Poco::Logger::get("fhir"));
        fa::plugin::ChangeFollower* f = follower.get();
        const std::string web = webFolder(settings);
        if (web.empty()) fa::plugin::logWarning(c, "fluoroaudit: the web UI is not built or not installed; the API answers without it");
        fa::plugin::registerRestApi(c, settings, web,
                                    {[f] { return f->stored(); }, [f] { return f->quarantined(); }, [f] { return f->stalled(); }});
        OrthancPluginRegisterOnChangeCallback(c, onChange);
    } catch (const std::exception& e) {
        fhir.reset();
        scheduler.reset();
        follower.reset();
        fa::plugin::logError(c, std::string("fluoroaudit: ") + e.what() + "; the plugin stays inactive");
    } catch (...) {
        fhir.reset();
        scheduler.reset();
        follower.reset();
        fa::plugin::logError(c, "fluoroaudit: could not start; the plugin stays inactive");
    }
    return 0;
}

ORTHANC_PLUGINS_API void OrthancPluginFinalize() {
    try {
        stopAll();
        fa::plugin::unregisterRestApi();
        fhir.reset();
        scheduler.reset();
        follower.reset();
    } catch (...) {
    }
}

ORTHANC_PLUGINS_API const char* OrthancPluginGetName() { return "fluoroaudit"; }

ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion() { return FA_VERSION; }

} // extern "C"
