#include "service/Service.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "core/FileLock.h"
#include "core/SecurityEvent.h"
#include "pipeline/ReceiverStatus.h"
#include "audit/AlertMailer.h"
#include "audit/FhirPusher.h"
#include "audit/AuditScheduler.h"
#include "pipeline/Receiver.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <systemd/sd-daemon.h>

#include <atomic>
#include <cstdint>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

namespace {

std::atomic<int> stopSignal{0};
extern "C" void onSignal(int signal) { stopSignal = signal; }

// Application Activity (ATNA): this service started or stopped, and the account that runs it.
void recordApplicationActivity(const Settings& settings, bool start) {
    if (!securityEventsRecorded()) return;
    SecurityEvent e;
    e.id = codes::applicationActivity();
    e.types = {start ? codes::applicationStart() : codes::applicationStop()};
    EventParticipant application;
    application.userId = settings.listener.aeTitle;
    application.alternativeUserId = std::to_string(::getpid());
    application.userName = "fluoroaudit serve";
    application.role = codes::applicationRole();
    EventParticipant launcher;
    const passwd* account = ::getpwuid(::geteuid());
    launcher.userId = account ? account->pw_name : std::to_string(::geteuid());
    launcher.requestor = true;
    launcher.role = codes::applicationLauncher();
    e.participants = {application, launcher};
    recordSecurityEvent(e);
}


} // namespace

int serve(const Settings& settings, const std::vector<AddonFactory>& addons) {
    Poco::Logger& log = Poco::Logger::get("service");
    const std::string startedAt = nowLocalIso();

    // One service per data folder: a second one would process the same spool and status.
    fs::create_directories(settings.dataDir);
    const FileLock lock(settings.serviceLockFile(), [&](int pid) {
        return "another fluoroaudit serve" + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
               " runs on the data folder " + settings.dataDir + ": stop it first, or give this one its own --data";
    });
    Receiver receiver(settings);
    std::signal(SIGPIPE, SIG_IGN);
    stopSignal = 0;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    receiver.start();
    std::vector<std::unique_ptr<ServiceAddon>> running;
    try {
        for (const auto& make : addons) running.push_back(make(receiver));
    } catch (...) {
        running.clear();
        receiver.stop();
        throw;
    }
    AuditScheduler scheduler(settings);
    scheduler.start();
    AlertMailer alerts(settings, Poco::Logger::get("alerts"));
    alerts.start();
    FhirPusher fhir(settings, Poco::Logger::get("fhir"));
    fhir.start();

    // Ready: the store is open and every port listens (the DICOM one answers C-ECHO, the web one
    // accepts). systemd (Type=notify) and the tests wait for this; before it nothing is promised.
    writeStatus(settings, "running", startedAt, receiver);
    ::sd_notifyf(0, "READY=1\nSTATUS=receiving as %s on port %d\nMAINPID=%ld", settings.listener.aeTitle.c_str(),
                 static_cast<int>(settings.listener.port), static_cast<long>(::getpid()));
    log.information("ready");
    recordApplicationActivity(settings, true);
    std::uint64_t watchdog_us = 0;
    const bool watchdog = ::sd_watchdog_enabled(0, &watchdog_us) > 0;
    auto lastPing = std::chrono::steady_clock::now();

    int tick = 0;
    while (stopSignal == 0 && receiver.listening()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (++tick % 20 == 0) writeStatus(settings, "running", startedAt, receiver);
        // Alive while the main loop turns and the status is written (half the watchdog period).
        if (watchdog && std::chrono::steady_clock::now() - lastPing > std::chrono::microseconds(watchdog_us / 2)) {
            ::sd_notify(0, "WATCHDOG=1");
            lastPing = std::chrono::steady_clock::now();
        }
    }
    ::sd_notify(0, "STOPPING=1");
    if (stopSignal) log.information("stopping (signal %d): no new associations; finishing open ones", stopSignal.load());
    scheduler.stop();
    alerts.stop();
    fhir.stop();
    while (!running.empty()) running.pop_back();
    receiver.stop();
    writeStatus(settings, "stopped", startedAt, receiver);
    recordApplicationActivity(settings, false);
    if (const auto why = receiver.listenError(); !why.empty()) throw Error(why);
    log.information("stopped; %?d object(s) received, %?d left in the spool", static_cast<Poco::Int64>(receiver.received()),
                    receiver.pending());
    return 0;
}

} // namespace fa
