#include "dicom/Spool.h"

#include "core/Error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcostrmb.h"

namespace fs = std::filesystem;

namespace fa::dicom {

namespace {

// AE titles may hold spaces and punctuation; file names keep letters, digits, '-' and '_'.
std::string fileSafe(const std::string& ae) {
    std::string out;
    for (char c : ae) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out.push_back(c);
        else if (c != ' ') out += "%" + std::to_string(static_cast<unsigned char>(c)) + "%";
    }
    return out;
}

std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            const auto end = s.find('%', i + 1);
            if (end != std::string::npos) {
                out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, end - i - 1))));
                i = end;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

std::string osError(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

} // namespace

bool syncPath(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

struct Spool::Pending {
    std::string partial, target;
    bool done = false;
    std::string error;
};

struct Spool::Group {
    std::mutex mutex;
    std::condition_variable flushed;
    std::vector<Pending*> waiting;
    bool flushing = false;
};

Spool::~Spool() = default;

Spool::Spool(std::string root) : root_(std::move(root)), group_(std::make_unique<Group>()) {
    std::error_code ec;
    fs::create_directories(fs::path(root_) / "incoming", ec);
    if (ec) throw Error("cannot create the spool folder " + root_ + ": " + ec.message());
}

std::string Spool::reserve() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    char name[96];
    std::snprintf(name, sizeof name, "%020lld-%08lu-%d.partial",
                  static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()),
                  ++sequence_, static_cast<int>(::getpid()));
    const std::string path = root_ + "/incoming/" + name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) throw Error(osError("cannot create a spool file", path));
    ::close(fd);
    return path;
}

std::string Spool::committedName(const std::string& partial, const std::string& callingAe) const {
    return root_ + "/" + fs::path(partial).stem().string() + "." + fileSafe(callingAe) + ".dcm";
}

std::string Spool::commit(const std::string& partial, const std::string& callingAe) {
    Pending me{partial, committedName(partial, callingAe), false, {}};
    std::unique_lock<std::mutex> lock(group_->mutex);
    group_->waiting.push_back(&me);
    while (!me.done) {
        if (group_->flushing) { // someone flushes a group without this one: the next group then
            group_->flushed.wait(lock);
            continue;
        }
        std::vector<Pending*> batch;
        batch.swap(group_->waiting);
        group_->flushing = true;
        lock.unlock();
        flush(batch);
        lock.lock();
        group_->flushing = false;
        for (Pending* p : batch) p->done = true;
        group_->flushed.notify_all();
    }
    lock.unlock();
    if (!me.error.empty()) {
        discard(partial);
        throw Error(me.error);
    }
    return me.target;
}

// One flush of the file system for the contents of every file in `batch` (syncfs), their renames,
// one flush of the spool folder for the names.
void Spool::flush(const std::vector<Pending*>& batch) {
    const int folder = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder < 0 || ::syncfs(folder) != 0) {
        const std::string why = osError("cannot flush received objects to the disk of", root_);
        for (Pending* p : batch) p->error = why;
        if (folder >= 0) ::close(folder);
        return;
    }
    std::vector<Pending*> renamed;
    for (Pending* p : batch) {
        if (::rename(p->partial.c_str(), p->target.c_str()) == 0) renamed.push_back(p);
        else p->error = osError("cannot move the received object into", root_);
    }
    if (!renamed.empty() && ::fsync(folder) != 0) {
        const std::string why = osError("cannot flush the spool folder", root_);
        for (Pending* p : renamed) {
            p->error = why;
            ::rename(p->target.c_str(), p->partial.c_str()); // not acknowledged: not to be processed either
        }
    }
    ::close(folder);
}

void Spool::discard(const std::string& partial) noexcept { ::unlink(partial.c_str()); }

namespace {

bool writeFully(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = ENOSPC;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Part 10 bytes of `file` written to `fd` chunk by chunk, every write checked (DCMTK's own file
// output does not report a file system that fills up, and would leave a truncated file behind).
OFCondition writeChecked(DcmFileFormat& file, int fd, std::string& osError) {
    std::vector<char> buffer(1 << 16);
    DcmOutputBufferStream out(buffer.data(), static_cast<offile_off_t>(buffer.size()));
    file.validateMetaInfo(EXS_LittleEndianExplicit);
    file.transferInit();
    OFCondition cond = EC_StreamNotifyClient;
    while (cond == EC_StreamNotifyClient) {
        cond = file.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
        if (cond.good()) out.flush();
        void* chunk = nullptr;
        offile_off_t length = 0;
        out.flushBuffer(chunk, length);
        if (length > 0 && !writeFully(fd, static_cast<const char*>(chunk), static_cast<std::size_t>(length))) {
            osError = std::strerror(errno);
            cond = EC_InvalidStream;
        }
    }
    file.transferEnd();
    return cond;
}

} // namespace

std::string Spool::writePartial(DcmDataset& dataset) {
    const std::string partial = reserve();
    DcmFileFormat file(&dataset, OFFalse);
    std::string osError;
    const int fd = ::open(partial.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    const OFCondition cond = fd < 0 ? EC_InvalidFilename : writeChecked(file, fd, osError);
    if (fd < 0) osError = std::strerror(errno);
    const bool closed = fd >= 0 && ::close(fd) == 0;
    if (!closed && osError.empty()) osError = std::strerror(errno);
    file.getAndRemoveDataset(); // the caller keeps its dataset
    if (cond.bad() || !closed) {
        const std::string osReason = !osError.empty() ? osError : std::strerror(errno);
        discard(partial);
        struct statvfs fs {};
        std::string detail = osReason.empty() ? std::string(cond.text()) : osReason;
        if (::statvfs(root_.c_str(), &fs) == 0)
            detail += ", " + std::to_string(static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize / 1024) +
                      " KiB free in " + root_;
        throw Error("cannot write the received object into the spool (" + detail + ")");
    }
    return partial;
}

unsigned long long Spool::freeBytes() const {
    struct statvfs fs {};
    if (::statvfs(root_.c_str(), &fs) != 0) return 0;
    return static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
}

std::vector<std::string> Spool::pending() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec))
        if (e.is_regular_file(ec) && e.path().extension() == ".dcm") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t Spool::clearIncoming() {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(root_) / "incoming", ec))
        if (fs::remove(e.path(), ec)) ++n;
    return n;
}

std::string Spool::callingAeOf(const std::string& spooledPath) {
    const std::string name = fs::path(spooledPath).filename().string();
    const auto first = name.find('.');
    const auto last = name.rfind(".dcm");
    if (first == std::string::npos || last == std::string::npos || last <= first) return {};
    return unescape(name.substr(first + 1, last - first - 1));
}

} // namespace fa::dicom
