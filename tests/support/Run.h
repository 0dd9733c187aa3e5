// Runs a command line and captures what it printed, for tests of the real binaries.
#pragma once

#include <functional>
#include <string>

namespace fa::test {

struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// `command` is run by /bin/sh; stdout and stderr are captured separately.
RunResult run(const std::string& command);
std::string quote(const std::string& arg);

// Polls `done` every 100 ms until it holds or `seconds` have passed; returns its last answer.
bool waitFor(const std::function<bool()>& done, int seconds = 60);

} // namespace fa::test
