#include "api/WebFiles.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace fa::api {

namespace {

const char* contentType(const std::string& ext) {
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".ico") return "image/x-icon";
    return "application/octet-stream";
}

} // namespace

WebFiles::WebFiles(const std::string& folder) {
    if (folder.empty()) return;
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(folder, ec);
    folder_ = ec ? folder : canonical.string();
}

ApiResponse WebFiles::get(const std::string& path) const {
    if (folder_.empty())
        return {503, "text/plain; charset=utf-8",
                "the web UI is not built: build with cmake (it runs npm) or set [http] web_dir\n", {}};
    fs::path target = fs::path(folder_) / fs::path(path).relative_path();
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(target, ec);
    if (ec || canonical.string().rfind(folder_ + "/", 0) != 0 || !fs::is_regular_file(canonical, ec))
        target = fs::path(folder_) / "index.html";
    else
        target = canonical;
    std::ifstream in(target, std::ios::binary);
    if (!in) return {404, "text/plain", "not found\n", {}};
    std::ostringstream content;
    content << in.rdbuf();
    const std::string ext = target.extension().string();
    return {200, contentType(ext), content.str(), {{"Cache-Control", ext == ".html" ? "no-cache" : "max-age=3600"}}};
}

std::string WebFiles::besideBinary(const std::string& binary) {
    const fs::path at = fs::path(binary).parent_path();
    std::error_code ec;
    // Beside a binary; a library's build tree (lib/ -> bin/web); installed under a prefix
    // (bin/ -> share/), and a plugin under /usr/lib/orthanc/ (-> /usr/share/).
    for (const fs::path& candidate : {at / "web", at.parent_path() / "bin/web", at.parent_path() / "share/fluoroaudit/web",
                                      at.parent_path().parent_path() / "share/fluoroaudit/web"})
        if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.string();
    return {};
}

} // namespace fa::api
