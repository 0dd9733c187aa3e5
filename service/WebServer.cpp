#include "service/WebServer.h"

#include "core/Error.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa::api {

namespace {

constexpr std::size_t kMaxBody = 8 << 20; // a reference table or a review fits many times over

const char* contentType(const std::string& ext) {
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".ico") return "image/x-icon";
    return "application/octet-stream";
}

void securityHeaders(Poco::Net::HTTPServerResponse& resp) {
    // Everything the page uses comes from this service.
    resp.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Referrer-Policy", "no-referrer");
    resp.set("X-Frame-Options", "DENY");
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    Handler(Api& api, const std::string& webDir, bool secure) : api_(api), webDir_(webDir), secure_(secure) {}

    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        Poco::URI uri(req.getURI());
        const std::string path = uri.getPath();
        securityHeaders(resp);
        if (Api::handles(path)) return api(req, resp, uri);
        return file(req, resp, path);
    }

private:
    void api(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const Poco::URI& uri) {
        ApiRequest a;
        a.method = req.getMethod();
        a.path = uri.getPath();
        for (const auto& [k, v] : uri.getQueryParameters()) a.query[k] = v;
        if (req.getContentLength() > static_cast<std::streamsize>(kMaxBody)) {
            send(resp, {413, "application/json", "{\"error\":\"the request body is larger than 8 MB\"}", {}});
            return;
        }
        if (a.method != "GET") {
            std::string body;
            Poco::StreamCopier::copyToString(req.stream(), body, 8192);
            a.body = std::move(body);
        }
        Poco::Net::NameValueCollection cookies;
        req.getCookies(cookies);
        a.sessionCookie = cookies.get("fa_session", "");
        a.csrfHeader = req.get("X-CSRF-Token", "");
        a.remote = req.clientAddress().host().toString();
        a.secure = secure_;
        ApiResponse r = api_.handle(a);
        resp.set("Cache-Control", "no-store");
        send(resp, r);
    }

    void send(Poco::Net::HTTPServerResponse& resp, const ApiResponse& r) {
        const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status);
        const char* reason = r.status == 422   ? "Unprocessable Entity"
                             : r.status == 429 ? "Too Many Requests"
                                               : nullptr;
        if (reason) resp.setStatusAndReason(status, reason);
        else resp.setStatusAndReason(status);
        for (const auto& [k, v] : r.headers) {
            if (k == "Set-Cookie") resp.add(k, v);
            else resp.set(k, v);
        }
        if (r.status == 204) {
            resp.setContentLength(0);
            resp.send();
            return;
        }
        resp.setContentType(r.contentType);
        resp.setContentLength(static_cast<std::streamsize>(r.body.size()));
        resp.send() << r.body;
    }

    void file(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const std::string& path) {
        if (req.getMethod() != "GET" && req.getMethod() != "HEAD") {
            send(resp, {405, "text/plain", "only GET here\n", {}});
            return;
        }
        if (webDir_.empty()) {
            send(resp, {503, "text/plain; charset=utf-8",
                        "the web UI is not built: build with cmake (it runs npm) or set [http] web_dir\n", {}});
            return;
        }
        // Only files inside the web folder; anything that is not a file is the single-page app.
        fs::path target = fs::path(webDir_) / fs::path(path).relative_path();
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(target, ec);
        if (ec || canonical.string().rfind(webDir_ + "/", 0) != 0 || !fs::is_regular_file(canonical, ec))
            target = fs::path(webDir_) / "index.html";
        else
            target = canonical;
        std::ifstream in(target, std::ios::binary);
        if (!in) {
            send(resp, {404, "text/plain", "not found\n", {}});
            return;
        }
        std::ostringstream content;
        content << in.rdbuf();
        const std::string ext = target.extension().string();
        resp.set("Cache-Control", ext == ".html" ? "no-cache" : "max-age=3600");
        send(resp, {200, contentType(ext), content.str(), {}});
    }

    Api& api_;
    const std::string& webDir_;
    bool secure_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Factory(Api& api, const std::string& webDir, bool secure) : api_(api), webDir_(webDir), secure_(secure) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(api_, webDir_, secure_);
    }

private:
    Api& api_;
    const std::string& webDir_;
    bool secure_;
};

} // namespace

struct WebServer::State {
    State(const Settings& s, ServiceProbe probe) : settings(s), api(s, std::move(probe)), webDir(canonicalWebDir(s)) {}

    // Resolved once: files are served only from below it.
    static std::string canonicalWebDir(const Settings& s) {
        const std::string dir = findWebDir(s);
        if (dir.empty()) return dir;
        std::error_code ec;
        const auto canonical = fs::weakly_canonical(dir, ec);
        return ec ? dir : canonical.string();
    }
    Settings settings;
    Api api;
    std::string webDir;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    int port = 0;
};

WebServer::WebServer(const Settings& settings, ServiceProbe probe)
    : state_(std::make_unique<State>(settings, std::move(probe))) {}

WebServer::~WebServer() { stop(); }

std::string WebServer::findWebDir(const Settings& settings) {
    if (!settings.http.webDir.empty()) return settings.http.webDir;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const fs::path& candidate : {exe.parent_path() / "web", exe.parent_path().parent_path() / "share/fluoroaudit/web"})
        if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.string();
    return {};
}

void WebServer::start() {
    State& s = *state_;
    const bool secure = !s.settings.http.certificate.empty();
    Poco::Logger& log = Poco::Logger::get("web");
    try {
        Poco::Net::SocketAddress address(s.settings.http.bind, static_cast<Poco::UInt16>(s.settings.http.port));
        std::unique_ptr<Poco::Net::ServerSocket> socket;
        if (secure) {
            Poco::Net::initializeSSL();
            Poco::Net::Context::Ptr context =
                new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, s.settings.http.privateKey,
                                       s.settings.http.certificate, "", Poco::Net::Context::VERIFY_NONE);
            context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                      Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
            socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
        } else {
            socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
        }
        s.port = socket->address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        params->setMaxQueued(64);
        params->setTimeout(Poco::Timespan(30, 0));
        s.server = std::make_unique<Poco::Net::HTTPServer>(new Factory(s.api, s.webDir, secure), *socket, params);
        s.server->start();
    } catch (const Poco::Exception& e) {
        throw Error("cannot serve the web UI on " + s.settings.http.bind + ":" + std::to_string(s.settings.http.port) +
                    ": " + e.displayText() + " ([http] port, or --http-port)");
    }
    log.information("web UI and API on %s://%s:%d/%s", std::string(secure ? "https" : "http"), s.settings.http.bind,
                    s.port,
                    s.webDir.empty() ? std::string(" (front-end not built: API only)") : std::string());
}

void WebServer::stop() {
    if (state_->server) {
        state_->server->stopAll(true);
        state_->server.reset();
    }
}

int WebServer::port() const { return state_->port; }

} // namespace fa::api
