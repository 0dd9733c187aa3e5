#include "plugin/OrthancRest.h"

#include "core/Error.h"

#include <orthanc/OrthancCPlugin.h>

namespace fa::plugin {

namespace {
std::string taken(OrthancPluginContext* context, OrthancPluginMemoryBuffer& buffer) {
    std::string out(static_cast<const char*>(buffer.data), buffer.size);
    OrthancPluginFreeMemoryBuffer(context, &buffer);
    return out;
}

[[noreturn]] void fail(OrthancPluginContext* context, const std::string& call, OrthancPluginErrorCode code) {
    throw Error(call + ": " + OrthancPluginGetErrorDescription(context, code));
}
} // namespace

std::string restGet(OrthancPluginContext* context, const std::string& uri) {
    OrthancPluginMemoryBuffer buffer{};
    const OrthancPluginErrorCode code = OrthancPluginRestApiGet(context, &buffer, uri.c_str());
    if (code != OrthancPluginErrorCode_Success) fail(context, "GET " + uri, code);
    return taken(context, buffer);
}

std::string restPost(OrthancPluginContext* context, const std::string& uri, const std::string& body) {
    OrthancPluginMemoryBuffer buffer{};
    const OrthancPluginErrorCode code =
        OrthancPluginRestApiPost(context, &buffer, uri.c_str(), body.data(), static_cast<uint32_t>(body.size()));
    if (code != OrthancPluginErrorCode_Success) fail(context, "POST " + uri, code);
    return taken(context, buffer);
}

void restDelete(OrthancPluginContext* context, const std::string& uri) {
    const OrthancPluginErrorCode code = OrthancPluginRestApiDelete(context, uri.c_str());
    if (code != OrthancPluginErrorCode_Success) fail(context, "DELETE " + uri, code);
}

} // namespace fa::plugin
