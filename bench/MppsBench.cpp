// Procedure steps of many exposures, end to end (printed; not a timed test): `fluoroaudit serve`
// receives a step created by N-CREATE and completed by an N-SET of N exposures over a real
// association. Targets: memory at most 8 times the N-SET's size above what serve held before
// (peak resident set of the whole process), and the step filed in under 2 s for 200,000 exposures
// (12 MB), both growing with its size only.
//
//   fa_mpps_bench [FLUOROAUDIT_BINARY] [EXPOSURES...]   default build/release/bin/fluoroaudit, 50000 200000
#include "store/StudyStore.h"
#include "tests/support/MppsScu.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

long long statusBytes(pid_t pid, const char* key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::atoll(line.c_str() + std::strlen(key) + 1) * 1024;
    return -1;
}

void run(const std::string& binary, int exposures) {
    fa::test::TempDir dir;
    const std::string data = (dir.path() / "data").string();
    const int port = fa::test::freePort();
    const std::string ini = dir.file("fluoroaudit.ini");
    std::ofstream(ini) << "[limits]\ncontent_mb = 1024\n";
    fa::test::ServiceProcess service(binary, data, port, ini);
    DcmDataset completion = fa::synth::stepCompletion(exposures);
    const std::string file = dir.file("nset.dcm");
    DcmFileFormat(&completion).saveFile(file.c_str(), EXS_LittleEndianExplicit);
    const auto size = static_cast<long long>(std::filesystem::file_size(file));

    DcmDataset created;
    created.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
    DcmItem* scheduled = nullptr;
    const std::string study = fa::synth::newUid(), uid = fa::synth::newUid();
    created.findOrCreateSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, -2);
    scheduled->putAndInsertString(DCM_StudyInstanceUID, study.c_str());
    created.putAndInsertString(DCM_PerformedProcedureStepStartDate, "20261207");
    std::optional<fa::test::MppsScu> scu(std::in_place, port);
    if (scu->create(uid, created) != 0) throw std::runtime_error("N-CREATE refused");
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // settled: what serve holds before
    const long long before = statusBytes(service.pid(), "VmRSS:");
    std::ofstream("/proc/" + std::to_string(service.pid()) + "/clear_refs") << "5"; // peak := now

    const auto start = Clock::now();
    const Uint16 status = scu->set(uid, {nullptr, file}, 600);
    const double answered = std::chrono::duration<double>(Clock::now() - start).count();
    scu.reset(); // released, as the modality does: filing does not wait for more to arrive
    fa::store::StudyStore store(fa::test::storeOf(data));
    double filed = -1;
    while (std::chrono::duration<double>(Clock::now() - start).count() < 600) {
        if (auto s = store.study(study); s && s->summary.irradiationEvents && *s->summary.irradiationEvents == exposures) {
            filed = std::chrono::duration<double>(Clock::now() - start).count();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const long long peak = statusBytes(service.pid(), "VmHWM:");
    std::printf("%8d exposures, N-SET %6.1f MB: status 0x%04X, answered %.2f s, filed %.2f s after sending; "
                "peak memory +%.1f MB = %.1f x its size (target <= 8)\n",
                exposures, static_cast<double>(size) / 1048576.0, status, answered, filed,
                static_cast<double>(peak - before) / 1048576.0,
                static_cast<double>(peak - before) / static_cast<double>(size));
}

} // namespace

int main(int argc, char** argv) {
    const std::string binary = argc > 1 ? argv[1] : "build/release/bin/fluoroaudit";
    std::vector<int> sizes;
    for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    if (sizes.empty()) sizes = {50000, 200000};
    try {
        for (int n : sizes) run(binary, n);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fa_mpps_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
