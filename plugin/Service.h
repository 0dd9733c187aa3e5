// `fluoroaudit serve`: the DICOM listener beside PACS, the spool and its processing, until SIGTERM.
#pragma once

#include "plugin/Settings.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fa {

// Serves until SIGTERM or SIGINT: then stops accepting, lets open associations finish, processes
// what is spooled and returns 0. Throws fa::Error when it cannot start (port taken, data folder
// unwritable).
class Receiver;

// Something more the service runs while it serves (the web UI): made once the listener runs,
// destroyed (stopped) before the listener stops.
class ServiceAddon {
public:
    virtual ~ServiceAddon() = default;
};
using AddonFactory = std::function<std::unique_ptr<ServiceAddon>(Receiver&)>;

int serve(const Settings& settings, const std::vector<AddonFactory>& addons = {});

// What `status` reads: written by the running service every two seconds and when it stops.
struct ServiceStatus {
    bool found = false; // a status file exists
    int pid = 0;
    bool running = false; // the process is alive
    std::string state;    // "running" or "stopped"
    std::string startedAt, updatedAt;
    std::string aeTitle;
    int port = 0;
    long long received = 0;
    std::string lastObjectAt, lastCallingAe, lastStudyUid;
};
ServiceStatus readStatus(const Settings& settings);

} // namespace fa
