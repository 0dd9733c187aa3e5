#include "plugin/OrthancLog.h"

#include <orthanc/OrthancCPlugin.h>

namespace fa::plugin {

void logWarning(OrthancPluginContext* context, const std::string& line) { OrthancPluginLogWarning(context, line.c_str()); }
void logError(OrthancPluginContext* context, const std::string& line) { OrthancPluginLogError(context, line.c_str()); }

} // namespace fa::plugin
