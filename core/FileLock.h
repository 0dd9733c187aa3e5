// An exclusive lock on a file (flock), held while the object lives, with the holder's PID written
// in the file: one `serve` per data folder, one audit run at a time. The kernel drops the lock
// when the process ends in any way (kill -9 included), so a dead holder never blocks.
#pragma once

#include <functional>
#include <string>

namespace fa {

class FileLock {
public:
    // Takes the lock of `path` (created as needed) or throws fa::Error with the text `held`
    // gives for the PID of the holder (0 when it cannot be read).
    FileLock(const std::string& path, const std::function<std::string(int pid)>& held);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    // The PID of the process holding the lock of `path`; 0 when none does, -1 when one does
    // whose PID is not written yet.
    static int holder(const std::string& path);

private:
    int fd_ = -1;
};

} // namespace fa
