#include "core/HostName.h"

#include <unistd.h>

namespace fa {

const std::string& hostName() {
    static const std::string name = [] {
        char buffer[256] = {};
        if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return std::string("localhost");
        return std::string(buffer);
    }();
    return name;
}

} // namespace fa
