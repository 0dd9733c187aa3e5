#include "plugin/RestBridge.h"

#include "api/Api.h"
#include "api/WebFiles.h"

#include <orthanc/OrthancCPlugin.h>

#include <Poco/JSON/Parser.h>

#include <cctype>
#include <cstring>
#include <sstream>
#include <string>

namespace fa::plugin {

namespace {

OrthancPluginContext* context = nullptr;
std::unique_ptr<api::Api> api;
std::unique_ptr<api::WebFiles> web;
// Orthanc gives the caller's address only to the request filter, which runs just before the REST
// callback on the same thread; the login throttle needs it per address.
thread_local std::string callerAddress;

constexpr const char* kPrefix = "/fluoroaudit";
constexpr const char* kUi = "/fluoroaudit/ui";

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

bool fromTheWebUi(const OrthancPluginHttpRequest* request) {
    for (uint32_t i = 0; i < request->headersCount; ++i)
        if (lower(request->headersKeys[i]) == "x-fa-ui") return true;
    return false;
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
    for (uint32_t i = 0; i < request->getCount; ++i) {
        r.query[request->getKeys[i]] = request->getValues[i];
        r.queryList.emplace_back(request->getKeys[i], request->getValues[i]);
    }
    if (request->body && request->bodySize) r.body.assign(static_cast<const char*>(request->body), request->bodySize);
    for (uint32_t i = 0; i < request->headersCount; ++i) {
        const std::string key = lower(request->headersKeys[i]);
        if (key == "cookie") r.sessionCookie = cookie(request->headersValues[i], "fa_session");
        else if (key == "x-csrf-token") r.csrfHeader = request->headersValues[i];
        else if (key == "accept-language") r.acceptLanguage = request->headersValues[i];
    }
    r.remote = callerAddress.empty() ? "orthanc" : callerAddress;
    return r;
}

void answer(OrthancPluginRestOutput* output, api::ApiResponse response, bool webUi) {
    if (response.status == 401 && webUi) {
        // Orthanc sends every 401 with a Basic challenge, on which the browser asks for a password
        // of its own: the web UI is told to log in with a 403 instead.
        response.status = 403;
        try {
            auto body = Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
            body->set("login_required", true);
            std::ostringstream out;
            body->stringify(out);
            response.body = out.str();
        } catch (const Poco::Exception&) {
            response.body = "{\"error\":\"log in first\",\"login_required\":true}";
        }
    } else if (response.status == 401) {
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
        answer(output, api->handle(toApiRequest(url, request)), fromTheWebUi(request));
        return OrthancPluginErrorCode_Success;
    } catch (...) {
        return OrthancPluginErrorCode_InternalError;
    }
}

// GET /fluoroaudit/ui/... : the built web UI.
OrthancPluginErrorCode onUi(OrthancPluginRestOutput* output, const char* url, const OrthancPluginHttpRequest* request) {
    try {
        const std::string path = std::string(url).substr(std::strlen(kUi));
        if (request->method != OrthancPluginHttpMethod_Get) {
            OrthancPluginSendMethodNotAllowed(context, output, "GET");
            return OrthancPluginErrorCode_Success;
        }
        api::ApiResponse page = web->get(path.empty() ? "/" : path);
        // Orthanc drops a trailing slash from URLs: the page's relative links need a base.
        if (page.contentType.rfind("text/html", 0) == 0)
            if (const auto head = page.body.find("<head>"); head != std::string::npos)
                page.body.insert(head + 6, "\n<base href=\"/fluoroaudit/ui/\">");
        answer(output, std::move(page), false);
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

void registerRestApi(OrthancPluginContext* c, const Settings& settings, const std::string& webFolder, FollowerProbe probe) {
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
    web = std::make_unique<api::WebFiles>(webFolder);
    OrthancPluginRegisterRestCallbackNoLock(c, "/fluoroaudit/ui(/.*)?", onUi);
    // A button in Orthanc Explorer's top bar that opens the audit.
    OrthancPluginExtendOrthancExplorer(
        c, "$(document).ready(function() { $('<a>', { href: '/fluoroaudit/ui/', text: 'fluoroaudit', "
           "'data-role': 'button', 'data-icon': 'info', 'data-inline': 'true', id: 'fluoroaudit' })"
           ".appendTo($('#lookup').find('div[data-role=content]').first()); });");
}

void unregisterRestApi() {
    api.reset();
    web.reset();
}

} // namespace fa::plugin
