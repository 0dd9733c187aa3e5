// What a running receiver (the `serve` of a data folder) tells other processes on the same data
// folder: `status`, and the nightly audit that retrieves into it when it runs.
#pragma once

#include "pipeline/Settings.h"

#include <string>

namespace fa {

class Receiver;

// Written by the running service every two seconds and when it stops.
struct ServiceStatus {
    bool found = false; // a status file exists
    int pid = 0;
    bool running = false; // the process is alive
    std::string state;    // "running" or "stopped"
    std::string startedAt, updatedAt;
    std::string aeTitle;
    int port = 0;
    std::string webUrl; // "" without a web UI
    long long received = 0;
    std::string lastObjectAt, lastCallingAe, lastStudyUid;
};

ServiceStatus readStatus(const Settings& settings);
// Replaces the status file atomically; `state` is "running" or "stopped".
void writeStatus(const Settings& settings, const std::string& state, const std::string& startedAt, const Receiver& receiver);

} // namespace fa
