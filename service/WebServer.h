// The web UI and REST API over HTTP(S) (Poco::Net::HTTPServer): /api/... and /metrics through
// Api, everything else from the built front-end folder (index.html for client-side routes).
#pragma once

#include "api/Api.h"
#include "pipeline/Settings.h"

#include <memory>
#include <string>

namespace fa::api {

class WebServer {
public:
    WebServer(const Settings& settings, ServiceProbe probe);
    ~WebServer();
    // Throws fa::Error when the port cannot be opened or the certificate not read.
    void start();
    void stop();
    int port() const; // the port listened on

    // Where the front-end is: [http] web_dir, else `web/` beside the executable, else
    // ../share/fluoroaudit/web from it; "" when none exists.
    static std::string findWebDir(const Settings& settings);

    struct State;

private:
    std::unique_ptr<State> state_;
};

} // namespace fa::api
