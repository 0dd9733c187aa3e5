// Calls into Orthanc's own REST API from the plugin's threads (never from a callback: the SDK
// forbids it). Each throws fa::Error naming the call and Orthanc's error when it fails.
#pragma once

#include <string>

struct _OrthancPluginContext_t;

namespace fa::plugin {

std::string restGet(_OrthancPluginContext_t* context, const std::string& uri);
std::string restPost(_OrthancPluginContext_t* context, const std::string& uri, const std::string& body);
void restDelete(_OrthancPluginContext_t* context, const std::string& uri);

} // namespace fa::plugin
