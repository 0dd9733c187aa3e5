// Memory target (printed; not a timed test): ingesting one dose report takes at most 8 times the
// report's size in memory above what the process held before, and what it took is given back.
//
//   fa_memory_bench                 reports of 300, 5,000 and 100,000 events, each measured in a
//                                   fresh process
//   fa_memory_bench --measure FILE  ingest FILE into a new store and print "peak retained" in bytes
#include "bench/lib/ProcMemory.h"
#include "dicom/DcmtkLog.h"
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using fa::bench::resetPeak;
using fa::bench::statusBytes;

constexpr double kTargetRatio = 8.0;

int measure(const std::string& file) {
    fa::test::TempDir data;
    fa::Settings settings;
    settings.dataDir = data.path().string();
    settings.extraction.limits.maxContentBytes = 1ull << 30; // the largest report here is beyond the default
    fa::Pipeline pipeline(settings);
    // Warm up: the store's schema, DCMTK's dictionary and the allocator's arenas exist before.
    const std::string small = data.file("small.dcm");
    fa::synth::save(*fa::synth::buildReport(fa::synth::reportWithEvents(3)), small);
    pipeline.ingestFile(small);
    const long long before = statusBytes("VmRSS:");
    resetPeak();
    const auto start = std::chrono::steady_clock::now();
    const auto result = pipeline.ingestFile(file);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const long long peak = statusBytes("VmHWM:"), after = statusBytes("VmRSS:");
    std::printf("%lld %lld %.2f %d\n", peak - before, after - before, seconds, static_cast<int>(result.outcome));
    return 0;
}

struct Figures {
    long long peak = -1, retained = -1;
    double seconds = 0;
};

Figures measureInChild(const std::string& self, const std::string& file) {
    const std::string command = "'" + self + "' --measure '" + file + "'";
    Figures f;
    if (FILE* out = ::popen(command.c_str(), "r")) {
        int outcome = 0;
        if (std::fscanf(out, "%lld %lld %lf %d", &f.peak, &f.retained, &f.seconds, &outcome) != 4) f.peak = -1;
        ::pclose(out);
    }
    return f;
}

} // namespace

int main(int argc, char** argv) {
    fa::dicom::quietDcmtkLog();
    if (argc == 3 && std::string(argv[1]) == "--measure") return measure(argv[2]);
    const std::string self = std::filesystem::canonical("/proc/self/exe").string();
    fa::test::TempDir work;
    std::printf("Memory to ingest one report, above the process before it (target: peak <= %.0f x the file)\n",
                kTargetRatio);
    std::printf("  %8s %12s %12s %8s %12s %8s\n", "events", "file MB", "peak MB", "ratio", "retained MB", "s");
    bool met = true;
    for (int events : {300, 5000, 100000}) {
        const std::string file = work.file(std::to_string(events) + "-events.dcm");
        fa::synth::save(*fa::synth::buildReport(fa::synth::reportWithEvents(events)), file);
        const double size = static_cast<double>(std::filesystem::file_size(file));
        const Figures f = measureInChild(self, file);
        if (f.peak < 0) {
            std::printf("  %8d  measurement failed\n", events);
            met = false;
            continue;
        }
        const double ratio = static_cast<double>(f.peak) / size;
        met = met && ratio <= kTargetRatio;
        std::printf("  %8d %12.1f %12.1f %8.2f %12.1f %8.2f\n", events, size / 1e6, static_cast<double>(f.peak) / 1e6,
                    ratio, static_cast<double>(f.retained) / 1e6, f.seconds);
        std::filesystem::remove(file);
    }
    std::printf("  %s\n", met ? "meets the target" : "MISSES the target");
    return 0;
}
