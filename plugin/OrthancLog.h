// Lines in Orthanc's own log.
#pragma once

#include <string>

struct _OrthancPluginContext_t;

namespace fa::plugin {

// Sends the lines of the project's libraries (Poco loggers: the API, the pipeline) to Orthanc's log.
void routePocoLoggingToOrthanc(_OrthancPluginContext_t* context);

void logWarning(_OrthancPluginContext_t* context, const std::string& line);
void logError(_OrthancPluginContext_t* context, const std::string& line);

} // namespace fa::plugin
