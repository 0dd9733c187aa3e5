// The timestamps the project records, each in one format: UTC instants for what the store keeps
// (received, raised, reviewed), local time where an operator reads it (status, logs).
#pragma once

#include <string>

namespace fa {

// "2026-12-02T19:00:33Z"
std::string nowUtc();
// "2026-12-02T20:00:33" (this machine's time zone)
std::string nowLocalIso();
// "2026-12-02" (this machine's time zone): the day the people reading it are on
std::string todayLocal();

} // namespace fa
