#include "core/Clock.h"

#include <ctime>

namespace fa {

namespace {
std::string format(const std::tm& t, const char* pattern) {
    char buffer[32];
    const std::size_t n = std::strftime(buffer, sizeof buffer, pattern, &t);
    return std::string(buffer, n);
}
} // namespace

std::string nowUtc() {
    const std::time_t now = std::time(nullptr);
    std::tm t{};
    ::gmtime_r(&now, &t);
    return format(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::string nowLocalIso() {
    const std::time_t now = std::time(nullptr);
    std::tm t{};
    ::localtime_r(&now, &t);
    return format(t, "%Y-%m-%dT%H:%M:%S");
}

std::string todayLocal() { return nowLocalIso().substr(0, 10); }

} // namespace fa
