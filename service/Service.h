// `fluoroaudit serve`: the DICOM listener beside PACS, the spool and its processing, until SIGTERM.
#pragma once

#include "pipeline/ReceiverStatus.h"
#include "pipeline/Settings.h"

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


} // namespace fa
