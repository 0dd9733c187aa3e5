#include "core/Error.h"
#include "cli/Commands.h"
#include "present/Display.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>

namespace fs = std::filesystem;

namespace fa::cli {

using namespace fa::present;

namespace {

struct Failure {
    std::string path;
    std::string reason;
};

// Files under each path (folders recursively, in name order); paths that cannot be read are failures.
std::vector<std::string> collect(const std::vector<std::string>& paths, std::vector<Failure>& failures) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            files.push_back(p);
        } else if (fs::is_directory(p, ec)) {
            auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
            for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
                if (it->is_regular_file(ec)) files.push_back(it->path().string());
            if (ec) failures.push_back({p, "cannot read the folder: " + ec.message()});
        } else {
            failures.push_back({p, "no such file or folder"});
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

class Progress {
public:
    Progress(bool enabled, std::size_t total, std::ostream& err) : enabled_(enabled && total > 1), total_(total), err_(err) {}
    void update(std::size_t done, const std::string& path) {
        if (!enabled_) return;
        const auto t = std::chrono::steady_clock::now();
        if (done != total_ && t - last_ < std::chrono::milliseconds(100)) return;
        last_ = t;
        err_ << "\r\x1b[K[" << done << "/" << total_ << "] " << truncateToWidth(path, 60) << std::flush;
    }
    void finish() {
        if (enabled_) err_ << "\r\x1b[K" << std::flush;
    }

private:
    bool enabled_;
    std::size_t total_;
    std::ostream& err_;
    std::chrono::steady_clock::time_point last_{};
};

} // namespace

int ingest(Pipeline& pipeline, const std::vector<std::string>& paths, bool progress, std::ostream& out,
           std::ostream& err) {
    std::vector<Failure> failures;
    const std::vector<std::string> files = collect(paths, failures);
    std::size_t created = 0, updated = 0, duplicates = 0, skipped = 0;
    Progress bar(progress, files.size(), err);
    for (std::size_t i = 0; i < files.size(); ++i) {
        bar.update(i + 1, files[i]);
        try {
            const IngestResult r = pipeline.ingestFile(files[i]);
            switch (r.outcome) {
            case IngestOutcome::Created: ++created; break;
            case IngestOutcome::Updated: ++updated; break;
            case IngestOutcome::Duplicate: ++duplicates; break;
            case IngestOutcome::NoDoseContent: ++skipped; break;
            }
        } catch (const store::DatabaseError&) {
            throw; // no file is to blame: every further one would fail the same way
        } catch (const Error& e) {
            failures.push_back({files[i], e.what()});
        }
    }
    bar.finish();
    out << "Read " << files.size() << " file(s): " << created << " stud" << (created == 1 ? "y" : "ies")
        << " created, " << updated << " updated, " << duplicates << " already stored (unchanged), " << skipped
        << " without dose content skipped, " << failures.size() << " failed.\n";
    if (!failures.empty()) {
        err << "Failed:\n";
        for (const auto& f : failures) {
            // Extraction errors already start with the path.
            const bool named = f.reason.rfind(f.path, 0) == 0;
            err << "  " << (named ? f.reason : f.path + ": " + f.reason) << "\n";
        }
    }
    return failures.empty() ? 0 : 1;
}

} // namespace fa::cli

namespace fa::cli {

int reprocess(Pipeline& pipeline, bool progress, std::ostream& out, std::ostream& err) {
    const auto kept = pipeline.store().keptFiles();
    Progress bar(progress, kept.size(), err);
    std::vector<Failure> failures;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        bar.update(i + 1, kept[i].filePath);
        try {
            pipeline.reprocess(kept[i]);
        } catch (const store::DatabaseError&) {
            throw;
        } catch (const Error& e) {
            failures.push_back({kept[i].filePath, e.what()});
        }
    }
    bar.finish();
    out << "Re-extracted " << kept.size() - failures.size() << " of " << kept.size() << " kept object(s); "
        << failures.size() << " failed.\n";
    if (!failures.empty()) {
        err << "Failed (what the store holds for these is unchanged):\n";
        for (const auto& f : failures) err << "  " << f.reason << "\n";
    }
    return failures.empty() ? 0 : 1;
}

} // namespace fa::cli
