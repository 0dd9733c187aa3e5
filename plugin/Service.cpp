#include "plugin/Service.h"

#include "core/Error.h"
#include "plugin/AuditScheduler.h"
#include "plugin/Receiver.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

namespace {

std::atomic<int> stopSignal{0};
extern "C" void onSignal(int signal) { stopSignal = signal; }

std::string nowLocal() {
    return Poco::DateTimeFormatter::format(Poco::LocalDateTime(), "%Y-%m-%dT%H:%M:%S");
}

void writeStatus(const Settings& s, const std::string& state, const std::string& startedAt, const Receiver& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("state", state);
    o.set("pid", static_cast<int>(::getpid()));
    o.set("started_at", startedAt);
    o.set("updated_at", nowLocal());
    o.set("ae_title", s.listener.aeTitle);
    o.set("port", static_cast<int>(s.listener.port));
    o.set("received", static_cast<Poco::Int64>(r.received()));
    o.set("last_object_at", r.lastObjectAt());
    o.set("last_calling_ae", r.lastCallingAe());
    o.set("last_study_uid", r.lastStudyUid());
    const std::string tmp = s.statusFile() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        o.stringify(out, 2);
    }
    std::error_code ec;
    fs::rename(tmp, s.statusFile(), ec);
}

} // namespace

int serve(const Settings& settings, const std::vector<AddonFactory>& addons) {
    Poco::Logger& log = Poco::Logger::get("service");
    const std::string startedAt = nowLocal();

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

    int tick = 0;
    while (stopSignal == 0 && receiver.listening()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (++tick % 20 == 1) writeStatus(settings, "running", startedAt, receiver);
    }
    if (stopSignal) log.information("stopping (signal %d): no new associations; finishing open ones", stopSignal.load());
    scheduler.stop();
    while (!running.empty()) running.pop_back();
    receiver.stop();
    writeStatus(settings, "stopped", startedAt, receiver);
    if (const auto why = receiver.listenError(); !why.empty()) throw Error(why);
    log.information("stopped; %?d object(s) received, %?d left in the spool", static_cast<Poco::Int64>(receiver.received()),
                    receiver.pending());
    return 0;
}

ServiceStatus readStatus(const Settings& settings) {
    ServiceStatus s;
    std::ifstream in(settings.statusFile());
    if (!in) return s;
    std::stringstream text;
    text << in.rdbuf();
    try {
        auto o = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        s.found = true;
        s.state = o->optValue<std::string>("state", "");
        s.pid = o->optValue<int>("pid", 0);
        s.startedAt = o->optValue<std::string>("started_at", "");
        s.updatedAt = o->optValue<std::string>("updated_at", "");
        s.aeTitle = o->optValue<std::string>("ae_title", "");
        s.port = o->optValue<int>("port", 0);
        s.received = o->optValue<Poco::Int64>("received", 0);
        s.lastObjectAt = o->optValue<std::string>("last_object_at", "");
        s.lastCallingAe = o->optValue<std::string>("last_calling_ae", "");
        s.lastStudyUid = o->optValue<std::string>("last_study_uid", "");
    } catch (const Poco::Exception&) {
        return s;
    }
    s.running = s.state == "running" && s.pid > 0 && ::kill(s.pid, 0) == 0;
    return s;
}

} // namespace fa
