#include "plugin/Service.h"

#include "core/Error.h"
#include "dicom/Listener.h"
#include "dicom/ObjectExtractor.h"
#include "dicom/Spool.h"
#include "plugin/Pipeline.h"
#include "plugin/SpoolProcessor.h"

#include "dcmtk/dcmdata/dcdatset.h"
#include "dcmtk/dcmdata/dcuid.h"

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

// Objects of these SOP classes may carry dose content; everything else is answered and dropped.
bool keepsSopClass(const std::string& uid) {
    return uid == UID_XRayRadiationDoseSRStorage || uid == UID_EnhancedXRayRadiationDoseSRStorage ||
           uid == UID_EnhancedSRStorage || uid == UID_ComprehensiveSRStorage || uid == UID_Comprehensive3DSRStorage ||
           uid == UID_ExtensibleSRStorage || uid == UID_XRayAngiographicImageStorage ||
           uid == UID_EnhancedXAImageStorage || uid == UID_XRayRadiofluoroscopicImageStorage ||
           uid == UID_EnhancedXRFImageStorage;
}

std::string admit(const ListenerSettings& l, const std::string& callingAe, const std::string& host) {
    const Peer* peer = l.peerByAeTitle(callingAe);
    if (!peer) return l.requireKnownPeers ? "calling AE title '" + callingAe + "' is not a known peer" : "";
    if (!peer->host.empty() && peer->host != host)
        return "peer " + peer->name + " must call from " + peer->host + ", not " + host;
    return {};
}

struct Counters {
    std::atomic<long long> received{0};
    std::mutex mutex;
    std::string lastAt, lastAe;
};

void writeStatus(const Settings& s, const std::string& state, const std::string& startedAt, Counters& c,
                 const std::string& lastStudy) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("state", state);
    o.set("pid", static_cast<int>(::getpid()));
    o.set("started_at", startedAt);
    o.set("updated_at", nowLocal());
    o.set("ae_title", s.listener.aeTitle);
    o.set("port", static_cast<int>(s.listener.port));
    o.set("received", c.received.load());
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        o.set("last_object_at", c.lastAt);
        o.set("last_calling_ae", c.lastAe);
    }
    o.set("last_study_uid", lastStudy);
    const std::string tmp = s.statusFile() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        o.stringify(out, 2);
    }
    std::error_code ec;
    fs::rename(tmp, s.statusFile(), ec);
}

} // namespace

int serve(const Settings& settings) {
    Poco::Logger& log = Poco::Logger::get("service");
    Poco::Logger& listenerLog = Poco::Logger::get("listener");
    Poco::Logger& processingLog = Poco::Logger::get("processing");
    const std::string startedAt = nowLocal();

    Pipeline pipeline(settings, /*durable=*/true);
    for (const auto& notice : pipeline.notices()) log.warning(notice);
    dicom::Spool spool(settings.spoolDir());
    if (const auto n = spool.clearIncoming())
        log.warning("removed %?d incomplete object(s) from %s/incoming left by a stop during receive (their "
                    "senders were not told success and will send them again)", n, settings.spoolDir());
    SpoolProcessor processor(pipeline, spool, settings, processingLog);
    if (const auto n = spool.pending().size()) log.information("processing %?d object(s) left in the spool", n);

    Counters counters;
    dicom::ListenerContext context;
    context.aeTitle = settings.listener.aeTitle;
    context.maxAssociations = settings.listener.maxAssociations;
    context.spoolMinFreeBytes = static_cast<unsigned long long>(settings.listener.spoolMinFree_mb) << 20;
    context.spool = &spool;
    context.log = &listenerLog;
    context.admit = [&](const std::string& ae, const std::string& host) { return admit(settings.listener, ae, host); };
    context.keeps = keepsSopClass;
    context.offer = [&](const std::string& path, std::unique_ptr<DcmDataset> dataset) {
        processor.offer(path, std::move(dataset));
    };
    context.withdraw = [&](const std::string& path) { processor.withdraw(path); };
    context.onSpooled = [&](const std::string&, const std::string& callingAe) {
        ++counters.received;
        {
            std::lock_guard<std::mutex> lock(counters.mutex);
            counters.lastAt = nowLocal();
            counters.lastAe = callingAe;
        }
        processor.notify();
    };
    dicom::ListenerOptions options;
    options.port = settings.listener.port;
    options.acseTimeout_s = settings.listener.acseTimeout_s;
    options.dimseTimeout_s = settings.listener.dimseTimeout_s;
    options.maxPdu = settings.listener.maxPdu;
    dicom::Listener listener(context, options);

    std::signal(SIGPIPE, SIG_IGN);
    stopSignal = 0;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    std::thread processing([&] { processor.runUntilStopped(); });
    std::string listenError;
    std::atomic<bool> listening{true};
    std::thread network([&] {
        try {
            listener.run();
        } catch (const Error& e) {
            listenError = e.what();
        }
        listening = false;
    });
    log.information("listening as %s on port %?d (data in %s, at most %d associations)", settings.listener.aeTitle,
                    settings.listener.port, settings.dataDir, settings.listener.maxAssociations);

    int tick = 0;
    while (stopSignal == 0 && listening) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (++tick % 20 == 1) writeStatus(settings, "running", startedAt, counters, processor.lastObject());
    }
    if (stopSignal) log.information("stopping (signal %d): no new associations; finishing open ones", stopSignal.load());
    listener.stop();
    network.join();
    processor.stop();
    processing.join();
    writeStatus(settings, "stopped", startedAt, counters, processor.lastObject());
    if (!listenError.empty()) throw Error(listenError);
    log.information("stopped; %?d object(s) received, %?d left in the spool", static_cast<Poco::Int64>(counters.received.load()),
                    spool.pending().size());
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
