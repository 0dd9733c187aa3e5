// `serve` is ready (READY=1 on systemd's NOTIFY_SOCKET) only once every port it serves answers:
// the test helper waits for that message and then checks both ports at once, here five times
// beside two CPU-bound processes, as on a busy CI machine.
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fa {
namespace {

// A process that burns one CPU until killed.
pid_t busyLoop() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        volatile unsigned long n = 0;
        for (;;) n = n + 1;
    }
    return pid;
}

TEST(Readiness, ALoadedStartIsReadyOnlyWhenBothPortsAnswerFiveTimes) {
    std::vector<pid_t> load{busyLoop(), busyLoop()};
    test::TempDir dir;
    for (int i = 0; i < 5; ++i) {
        // Throws (failing the test) if READY=1 comes before C-ECHO and the web port both answer.
        test::ServiceProcess service(FA_BINARY, dir.file("data"), test::freePort(), "", test::freePort());
        EXPECT_NE(service.log().find("ready"), std::string::npos) << service.log();
        EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    }
    for (pid_t p : load) {
        ::kill(p, SIGKILL);
        ::waitpid(p, nullptr, 0);
    }
}

} // namespace
} // namespace fa
