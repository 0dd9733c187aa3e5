#include "plugin/RestBridge.h"

#include "api/Api.h"

#include <orthanc/OrthancCPlugin.h>

#include <cctype>
#include <string>

namespace fa::plugin {

namespace {

OrthancPluginContext* context = nullptr;
std::unique_ptr<api::Api> api;
// Orthanc gives the caller's address only to the request filter, which runs just before the REST
// callback on the same thread; the login throttle needs it per address.
thread_local std::string callerAddress;

constexpr const char* kPrefix = "/fluoroaudit";

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string cookie(const std::string& header, const std::string& name) {
    std::size_t at = 0;
    while (at < header.size()) {
        while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
        const std::size_t end = header.find(';', at);
        const std::string pair = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return {};
}

api::ApiRequest toApiRequest(const char* url, const OrthancPluginHttpRequest* request) {
    api::ApiRequest r;
    switch (request->method) {
    case OrthancPluginHttpMethod_Post: r.method = "POST"; break;
    case OrthancPluginHttpMethod_Put: r.method = "PUT"; break;
    case OrthancPluginHttpMethod_Delete: r.method = "DELETE"; break;
    default: r.method = "GET"; break;
    }
    r.path = std::string(url).substr(std::string(kPrefix).size());
    for (uint32_t i = 0; i < request->getCount; ++i) r.query[request->getKeys[i]] = request->getValues[i];
    if (request->body && request->bodySize) r.body.assign(static_cast<const char*>(request->body), request->bodySize);
    for (uint32_t i = 0; i < request->headersCount; ++i) {
        const std::string key = lower(request->headersKeys[i]);
        if (key == "cookie") r.sessionCookie = cookie(request->headersValues[i], "fa_session");
        else if (key == "x-csrf-token") r.csrfHeader = request->headersValues[i];
    }
    r.remote = callerAddress.empty() ? "orthanc" : callerAddress;
    return r;
}

void answer(OrthancPluginRestOutput* output, const api::ApiResponse& response) {
    if (response.status == 401) {
        OrthancPluginSendUnauthorized(context, output, "fluoroaudit");
        return;
    }
    for (const auto& [name, value] : response.headers) OrthancPluginSetHttpHeader(context, output, name.c_str(), value.c_str());
    if (response.status >= 200 && response.status < 300) {
        OrthancPluginAnswerBuffer(context, output, response.body.data(), static_cast<uint32_t>(response.body.size()),
                                  response.contentType.c_str());
    } else {
        OrthancPluginSendHttpStatus(context, output, static_cast<uint16_t>(response.status), response.body.data(),
                                    static_cast<uint32_t>(response.body.size()));
    }
}

OrthancPluginErrorCode onRest(OrthancPluginRestOutput* output, const char* url, const OrthancPluginHttpRequest* request) {
    try {
        if (!api) return OrthancPluginErrorCode_UnknownResource;
        answer(output, api->handle(toApiRequest(url, request)));
        return OrthancPluginErrorCode_Success;
    } catch (...) {
        return OrthancPluginErrorCode_InternalError;
    }
}

int32_t rememberCaller(OrthancPluginHttpMethod, const char*, const char* ip, uint32_t, const char* const*,
                       const char* const*, uint32_t, const char* const*, const char* const*) {
    callerAddress = ip ? ip : "";
    return 1; // Orthanc's own rules decide access; the API checks its own sessions
}

} // namespace

void registerRestApi(OrthancPluginContext* c, const Settings& settings, FollowerProbe probe) {
    context = c;
    api::ServiceProbe p;
    p.listening = [] { return true; };
    p.received = probe.stored;
    p.processingFailures = probe.quarantined;
    p.refusedInARow = [] { return 0LL; };
    p.processingStalled = probe.stalled;
    api = std::make_unique<api::Api>(settings, p);
    OrthancPluginRegisterIncomingHttpRequestFilter2(c, rememberCaller);
    OrthancPluginRegisterRestCallbackNoLock(c, "/fluoroaudit/api(/.*)?", onRest);
}

void unregisterRestApi() { api.reset(); }

} // namespace fa::plugin
