#include "plugin/Files.h"

#include "dicom/Spool.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace fa {

void moveFile(const std::string& from, const std::string& to, std::error_code& ec) {
    fs::rename(from, to, ec);
    if (ec != std::errc::cross_device_link) return;
    ec.clear();
    const std::string partial = to + ".partial";
    fs::copy_file(from, partial, fs::copy_options::overwrite_existing, ec);
    if (!ec && !dicom::syncPath(partial)) ec = std::error_code(errno, std::generic_category());
    if (!ec) fs::rename(partial, to, ec);
    if (!ec && !dicom::syncPath(fs::path(to).parent_path().string()))
        ec = std::error_code(errno, std::generic_category());
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        return;
    }
    fs::remove(from, ec);
}

} // namespace fa
