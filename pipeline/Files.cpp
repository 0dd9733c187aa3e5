#include "pipeline/Files.h"

#include "dicom/Spool.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

namespace {
void flushedCopy(const std::string& from, const std::string& to, std::error_code& ec) {
    const std::string partial = partialName(to);
    fs::copy_file(from, partial, fs::copy_options::overwrite_existing, ec);
    if (!ec) restrictToOwner(partial, ec); // copy_file keeps the mode of the user's file
    if (!ec && !dicom::syncPath(partial)) ec = std::error_code(errno, std::generic_category());
    if (!ec) fs::rename(partial, to, ec);
    if (!ec && !dicom::syncPath(fs::path(to).parent_path().string()))
        ec = std::error_code(errno, std::generic_category());
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
    }
}
} // namespace

std::string partialName(const std::string& target) {
    static std::atomic<unsigned long> counter{0};
    return target + "." + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".partial";
}

void restrictToOwner(const std::string& path, std::error_code& ec) {
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
}

void linkOrCopy(const std::string& from, const std::string& to, std::error_code& ec) {
    fs::remove(to, ec); // an earlier attempt's name, stopped before its commit
    ec.clear();
    fs::create_hard_link(from, to, ec);
    if (!ec) return;
    if (ec != std::errc::cross_device_link && ec != std::errc::operation_not_permitted) return;
    ec.clear();
    flushedCopy(from, to, ec);
}

void moveFile(const std::string& from, const std::string& to, std::error_code& ec) {
    fs::rename(from, to, ec);
    if (ec != std::errc::cross_device_link) return;
    ec.clear();
    flushedCopy(from, to, ec);
    if (!ec) fs::remove(from, ec);
}

} // namespace fa
