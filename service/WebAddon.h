// The web UI and REST API as something `serve` runs beside its DICOM receiver.
#pragma once

#include "service/Service.h"

#include <vector>

namespace fa {

// One addon serving the web UI on [http] port, or none when the port is 0.
std::vector<AddonFactory> webAddons(const Settings& settings);

} // namespace fa
