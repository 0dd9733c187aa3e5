// Lines in Orthanc's own log.
#pragma once

#include <string>

struct _OrthancPluginContext_t;

namespace fa::plugin {

void logWarning(_OrthancPluginContext_t* context, const std::string& line);
void logError(_OrthancPluginContext_t* context, const std::string& line);

} // namespace fa::plugin
