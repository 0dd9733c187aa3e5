#include "tests/support/SharedData.h"

#include <cstdlib>
#include <filesystem>

namespace fa::test {

std::string sharedDicomDir() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("FA_SHARED_DICOM"); env && *env) return fs::is_directory(env) ? env : "";
    const fs::path beside = fs::path(FA_SOURCE_DIR) / ".." / "shared" / "dicom";
    return fs::is_directory(beside / "rdsr") ? fs::canonical(beside).string() : "";
}

} // namespace fa::test
