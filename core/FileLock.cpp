#include "core/FileLock.h"

#include "core/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace fa {

namespace {
bool writePid(int fd) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    return ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

int pidIn(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? std::atoi(buf) : 0;
}
} // namespace

FileLock::FileLock(const std::string& path, const std::function<std::string(int pid)>& held) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int pid = pidIn(fd_);
        ::close(fd_);
        fd_ = -1;
        throw Error(held(pid));
    }
    // Should this fail, the lock holds all the same; only the PID shown to others is missing.
    static_cast<void>(writePid(fd_));
}

FileLock::~FileLock() {
    if (fd_ < 0) return;
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
}

int FileLock::holder(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int pid = 0; // free
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
    } else {
        pid = pidIn(fd);
        if (pid <= 0) pid = -1; // held, its PID not written yet
    }
    ::close(fd);
    return pid;
}

} // namespace fa
