// What a benchmark reads of its own memory (Linux /proc): resident now, and the peak since a reset.
#pragma once

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace fa::bench {

// A figure from /proc/self/status in bytes (VmRSS: now, VmHWM: the peak so far).
inline long long statusBytes(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::atoll(line.c_str() + std::strlen(key) + 1) * 1024;
    return -1;
}

// Resets the peak to what is resident now (Linux: writing 5 to clear_refs).
inline void resetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

} // namespace fa::bench
