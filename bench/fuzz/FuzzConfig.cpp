// libFuzzer: a configuration file through the key table (parse, types, did-you-mean).
#include "core/Error.h"
#include "pipeline/Settings.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An anonymous file, reached by path as loadSettings reads files.
    const int fd = ::memfd_create("fuzz.ini", MFD_CLOEXEC);
    if (fd < 0) return 0;
    if (::write(fd, data, size) == static_cast<ssize_t>(size)) {
        try {
            fa::loadSettings("/proc/self/fd/" + std::to_string(fd));
        } catch (const fa::Error&) {
        }
    }
    ::close(fd);
    return 0;
}
