#include "service/WebAddon.h"

#include "pipeline/Receiver.h"
#include "service/WebServer.h"

namespace fa {

namespace {
struct Web : ServiceAddon {
    Web(const Settings& settings, api::ServiceProbe probe) : server(settings, std::move(probe)) { server.start(); }
    api::WebServer server;
};
} // namespace

std::vector<AddonFactory> webAddons(const Settings& settings) {
    if (settings.http.port <= 0) return {};
    return {[settings](Receiver& receiver) -> std::unique_ptr<ServiceAddon> {
        api::ServiceProbe probe;
        probe.listening = [&receiver] { return receiver.listening(); };
        probe.received = [&receiver] { return receiver.received(); };
        probe.processingFailures = [&receiver] { return receiver.processingFailures(); };
        probe.refusedInARow = [&receiver] { return receiver.refusedInARow(); };
        probe.processingStalled = [&receiver] { return receiver.processingStalled(); };
        return std::make_unique<Web>(settings, std::move(probe));
    }};
}

} // namespace fa
