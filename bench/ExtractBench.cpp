// Speed targets of extraction and ingest (printed; not a timed test):
//   - extracting a report costs at most 1.5x loading the same file with DCMTK alone;
//   - `ingest` stores at least 300 typical reports per second into SQLite on one core.
#include "dicom/DcmtkLog.h"
#include "dicom/ObjectExtractor.h"
#include "pipeline/Pipeline.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"

#include "api/Auth.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr int kTypicalEvents = 20;   // the real reports hold 3 to 49 events
constexpr int kIngestReports = 1000;

void loadOnly(benchmark::State& state, const std::string& path) {
    for (auto _ : state) {
        DcmFileFormat f;
        // The same read options as extraction: large values stay on disk.
        benchmark::DoNotOptimize(f.loadFile(path.c_str(), EXS_Unknown, EGL_noChange,
                                            fa::dicom::kMaxLoadedValueLength, ERM_autoDetect));
    }
}

void extract(benchmark::State& state, const std::string& path) {
    for (auto _ : state) benchmark::DoNotOptimize(fa::dicom::extractFile(path, {}));
}

fa::synth::Report reportWith(int events, const std::string& study) {
    static int patient = 0;
    fa::synth::Report r = fa::synth::reportWithEvents(events);
    r.studyUid = study;
    r.patientId = "BENCH" + std::to_string(++patient); // one study per patient, as in a department
    return r;
}

void ingest(benchmark::State& state, const std::vector<std::string>* files) {
    for (auto _ : state) {
        state.PauseTiming();
        fa::test::TempDir data;
        fa::Settings settings;
        settings.dataDir = data.path().string();
        fa::Pipeline pipeline(settings);
        state.ResumeTiming();
        for (const auto& f : *files) benchmark::DoNotOptimize(pipeline.ingestFile(f));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(files->size()));
}

class Collector : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            times[r.benchmark_name()] = r.GetAdjustedRealTime();
            if (r.counters.count("items_per_second")) rates[r.benchmark_name()] = r.counters.at("items_per_second");
        }
    }
    std::map<std::string, double> times, rates;
};

} // namespace

// A login for a name that does not exist must take as long as a wrong password of a real user.
void printLoginTiming() {
    const std::string hash = fa::api::hashPassword("correct horse battery");
    fa::api::verifyAgainstNobody("warm-up");
    auto seconds = [](auto&& f) {
        double best = 1e9;
        for (int i = 0; i < 5; ++i) {
            const auto start = std::chrono::steady_clock::now();
            f();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        return best;
    };
    const double known = seconds([&] { fa::api::verifyPassword("wrong password", hash); });
    const double unknown = seconds([&] { fa::api::verifyAgainstNobody("wrong password"); });
    std::printf("\nLogin with a wrong password: known user %.3f s, unknown user %.3f s (target: within 20 %%)  %s\n",
                known, unknown, std::abs(unknown / known - 1) <= 0.2 ? "meets the target" : "MISSES the target");
}

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    fa::dicom::quietDcmtkLog();
    fa::test::TempDir work;

    std::vector<std::pair<std::string, std::string>> files; // name, path
    const std::string shared = fa::test::sharedDicomDir();
    if (shared.empty())
        std::printf("Real vendor files not found (../shared/dicom): measuring synthetic reports only.\n");
    else
        for (const auto& e : std::filesystem::directory_iterator(shared + "/rdsr"))
            files.emplace_back(e.path().filename().string(), e.path().string());
    const std::string huge = work.file("10000-events.dcm");
    fa::synth::save(*fa::synth::buildReport(reportWith(10000, fa::synth::newUid())), huge);
    files.emplace_back("synthetic-10000-events.dcm", huge);
    std::sort(files.begin(), files.end());

    for (const auto& [name, path] : files) {
        benchmark::RegisterBenchmark(("load/" + name).c_str(), loadOnly, path)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark(("extract/" + name).c_str(), extract, path)->Unit(benchmark::kMicrosecond);
    }

    std::vector<std::string> typical;
    std::filesystem::create_directories(work.path() / "typical");
    for (int i = 0; i < kIngestReports; ++i) {
        const auto r = reportWith(kTypicalEvents, fa::synth::newUid());
        typical.push_back(work.file("typical/" + r.sopUid + ".dcm"));
        fa::synth::save(*fa::synth::buildReport(r), typical.back());
    }
    benchmark::RegisterBenchmark("ingest/typical-20-event-reports", ingest, &typical)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);

    Collector reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);

    std::printf("\nExtraction cost relative to loading the file with DCMTK alone (target <= 1.50)\n");
    double worst = 0;
    for (const auto& [name, path] : files) {
        const auto load = reporter.times.find("load/" + name), ext = reporter.times.find("extract/" + name);
        if (load == reporter.times.end() || ext == reporter.times.end() || load->second <= 0) continue;
        const double ratio = ext->second / load->second;
        worst = std::max(worst, ratio);
        std::printf("  %-48s %6.2f\n", name.c_str(), ratio);
    }
    std::printf("  %-48s %6.2f  %s\n", "worst", worst, worst <= 1.5 ? "meets the target" : "MISSES the target");
    const auto rate = reporter.rates.find("ingest/typical-20-event-reports/iterations:3");
    if (rate != reporter.rates.end())
        std::printf("\nIngest into SQLite, one core: %.0f typical reports/s (target >= 300)  %s\n", rate->second,
                    rate->second >= 300 ? "meets the target" : "MISSES the target");
    printLoginTiming();
    benchmark::Shutdown();
    return 0;
}
