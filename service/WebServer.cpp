#include "service/WebServer.h"

#include "api/WebFiles.h"

#include "core/Error.h"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <optional>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa::api {

namespace {

constexpr std::size_t kMaxBody = 8 << 20; // a reference table or a review fits many times over
// Connections one address may hold at once (a browser keeps about six per user; a reverse proxy
// in front carries several users), and workers in all: the slow connections of one caller take at
// most half of them.
constexpr int kConnectionsPerAddress = 32;
constexpr int kWorkers = 2 * kConnectionsPerAddress;

// The body, read up to `limit` bytes whether or not a Content-Length announced it (a chunked
// body is read as it comes); nullopt when it is longer.
std::optional<std::string> readBody(std::istream& in, std::size_t limit) {
    std::string body;
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        body.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (body.size() > limit) return std::nullopt;
    }
    return body;
}

// Connections being served, by address, and their sockets (to end them when the server stops).
class ConnectionCount {
public:
    bool admit(const std::string& address) {
        std::lock_guard<std::mutex> lock(mutex_);
        return count_[address] < kConnectionsPerAddress;
    }
    void opened(const std::string& address, Poco::Net::StreamSocket socket) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++count_[address];
        live_.push_back(std::move(socket));
    }
    void closed(const std::string& address, const Poco::Net::StreamSocket& socket) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--count_[address] <= 0) count_.erase(address);
        live_.erase(std::remove(live_.begin(), live_.end(), socket), live_.end());
        changed_.notify_all();
    }
    // Ends every connection still served (a read waiting for a slow client returns at once) and
    // waits for them to finish, `patience` at most.
    void endAll(std::chrono::seconds patience) {
        std::unique_lock<std::mutex> lock(mutex_);
        for (auto& socket : live_) {
            try {
                socket.shutdown();
            } catch (const Poco::Exception&) {
            }
        }
        changed_.wait_for(lock, patience, [this] { return live_.empty(); });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, int> count_;
    std::vector<Poco::Net::StreamSocket> live_;
};

// Refuses at accept time a connection from an address that holds its share already.
class PerAddressFilter : public Poco::Net::TCPServerConnectionFilter {
public:
    explicit PerAddressFilter(ConnectionCount& count) : count_(count) {}
    bool accept(const Poco::Net::StreamSocket& socket) override {
        try {
            return count_.admit(socket.peerAddress().host().toString());
        } catch (const Poco::Exception&) {
            return false; // the peer is gone already
        }
    }

private:
    ConnectionCount& count_;
};

// An HTTP connection counted for its address while it is served.
class CountedConnection : public Poco::Net::HTTPServerConnection {
public:
    CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr factory, ConnectionCount& count)
        : HTTPServerConnection(socket, params, factory), count_(count), address_(peer(socket)), socket_(socket) {
        count_.opened(address_, socket_);
    }
    ~CountedConnection() override { count_.closed(address_, socket_); }

private:
    static std::string peer(const Poco::Net::StreamSocket& socket) {
        try {
            return socket.peerAddress().host().toString();
        } catch (const Poco::Exception&) {
            return "?";
        }
    }
    ConnectionCount& count_;
    std::string address_;
    Poco::Net::StreamSocket socket_;
};

class CountedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    CountedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                             ConnectionCount& count)
        : params_(params), factory_(factory), count_(count) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new CountedConnection(socket, params_, factory_, count_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    ConnectionCount& count_;
};

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
    Handler(Api& api, const WebFiles& web, bool secure) : api_(api), web_(web), secure_(secure) {}

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
        for (const auto& [k, v] : uri.getQueryParameters()) {
            a.query[k] = v;
            a.queryList.emplace_back(k, v);
        }
        if (req.getContentLength() > static_cast<std::streamsize>(kMaxBody)) {
            send(resp, {413, "application/json", "{\"error\":\"the request body is larger than 8 MB\"}", {}});
            return;
        }
        if (a.method != "GET") {
            auto body = readBody(req.stream(), kMaxBody);
            if (!body) {
                resp.setKeepAlive(false); // the rest of the body is not read
                send(resp, {413, "application/json", "{\"error\":\"the request body is larger than 8 MB\"}", {}});
                return;
            }
            a.body = std::move(*body);
        }
        Poco::Net::NameValueCollection cookies;
        req.getCookies(cookies);
        a.sessionCookie = cookies.get("fa_session", "");
        a.csrfHeader = req.get("X-CSRF-Token", "");
        a.acceptLanguage = req.get("Accept-Language", "");
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
        send(resp, web_.get(path));
    }

    Api& api_;
    const WebFiles& web_;
    bool secure_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Factory(Api& api, const WebFiles& web, bool secure) : api_(api), web_(web), secure_(secure) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(api_, web_, secure_);
    }

private:
    Api& api_;
    const WebFiles& web_;
    bool secure_;
};

} // namespace

struct WebServer::State {
    State(const Settings& s, ServiceProbe probe) : settings(s), api(s, std::move(probe)), web(findWebDir(s)) {}

    Settings settings;
    Api api;
    WebFiles web; // resolved once: files are served only from below it
    ConnectionCount connections;
    std::unique_ptr<Poco::Net::TCPServer> server;
    int port = 0;
};

WebServer::WebServer(const Settings& settings, ServiceProbe probe)
    : state_(std::make_unique<State>(settings, std::move(probe))) {}

WebServer::~WebServer() { stop(); }

std::string WebServer::findWebDir(const Settings& settings) {
    if (!settings.http.webDir.empty()) return settings.http.webDir;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : WebFiles::besideBinary(exe.string());
}

void WebServer::start() {
    State& s = *state_;
    const bool secure = !s.settings.http.certificate.empty();
    Poco::Logger& log = Poco::Logger::get("web");
    try {
        Poco::Net::SocketAddress address(s.settings.http.bind, static_cast<Poco::UInt16>(s.settings.http.port));
        std::unique_ptr<Poco::Net::ServerSocket> socket;
        // Bound without SO_REUSEPORT (Poco's ServerSocket(address) sets it): a port another
        // process listens on is an error here, not a second listener taking half the requests.
        if (secure) {
            Poco::Net::initializeSSL();
            Poco::Net::Context::Ptr context =
                new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, s.settings.http.privateKey,
                                       s.settings.http.certificate, "", Poco::Net::Context::VERIFY_NONE);
            context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                      Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
            socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
        } else {
            socket = std::make_unique<Poco::Net::ServerSocket>();
        }
        socket->bind(address, true, false);
        socket->listen(64);
        s.port = socket->address().port();
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(kWorkers);
        params->setMaxQueued(64);
        params->setTimeout(Poco::Timespan(10, 0));          // each read of a request, headers included
        params->setKeepAliveTimeout(Poco::Timespan(5, 0)); // an idle kept-alive connection
        Poco::Net::HTTPRequestHandlerFactory::Ptr handlers = new Factory(s.api, s.web, secure);
        s.server = std::make_unique<Poco::Net::TCPServer>(
            new CountedConnectionFactory(params, handlers, s.connections), *socket, params);
        s.server->setConnectionFilter(new PerAddressFilter(s.connections));
        s.server->start();
    } catch (const Poco::Exception& e) {
        throw Error("cannot serve the web UI on " + s.settings.http.bind + ":" + std::to_string(s.settings.http.port) +
                    ": " + e.displayText() + " ([http] port, or --http-port)");
    }
    log.information("web UI and API on %s://%s:%d/%s", std::string(secure ? "https" : "http"), s.settings.http.bind,
                    s.port,
                    s.web.folder().empty() ? std::string(" (front-end not built: API only)") : std::string());
}

void WebServer::stop() {
    if (state_->server) {
        state_->server->stop();
        state_->connections.endAll(std::chrono::seconds(5));
        state_->server.reset();
    }
}

int WebServer::port() const { return state_->port; }

} // namespace fa::api
