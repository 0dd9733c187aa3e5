// The REST API of `serve` inside Orthanc's web server, under /fluoroaudit/api/...: the same
// handlers, JSON, users, roles, sessions, CSRF and audit trail (api::Api), whatever Orthanc's own
// authentication says. Orthanc 1.10's SDK limits what can be answered: no PATCH, 401 only with
// Orthanc's Basic challenge, other statuses with their JSON body when "HttpDescribeErrors" is on
// (Orthanc's default).
#pragma once

#include "pipeline/Settings.h"

#include <functional>
#include <memory>
#include <string>

struct _OrthancPluginContext_t;

namespace fa::plugin {

struct FollowerProbe {
    std::function<long long()> stored;
    std::function<long long()> quarantined;
    std::function<std::string()> stalled;
};

// Registers the API under /fluoroaudit/api/, the web UI of `webFolder` under /fluoroaudit/ui/ and
// a link to it in Orthanc Explorer; they live until unregisterRestApi() (at Finalize).
void registerRestApi(_OrthancPluginContext_t* context, const Settings& settings, const std::string& webFolder,
                     FollowerProbe probe);
void unregisterRestApi();

} // namespace fa::plugin
