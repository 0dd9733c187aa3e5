// Logs an operator can read: to the console and to a rotating file.
#pragma once

#include "pipeline/Settings.h"

namespace fa {

// Configures Poco's root logger: "2026-11-22 17:40:01.123 [information] listener: ..." lines to
// standard error and to settings.logFile(), rotated at settings.log.rotateSize, keeping
// settings.log.keep old files. Throws fa::Error when the log folder cannot be created.
void configureLogging(const Settings& settings);

} // namespace fa
