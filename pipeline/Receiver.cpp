#include "pipeline/Receiver.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "dicom/DoseSopClasses.h"
#include "dicom/Echo.h"
#include "dicom/Listener.h"
#include "dicom/Spool.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SpoolProcessor.h"

#include "dcmtk/dcmdata/dcdatset.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/LocalDateTime.h>
#include <Poco/Logger.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace fa {

namespace {

// While objects arrive, filing them waits up to this long at a time: a burst is acknowledged at its
// senders' pace (every object already durable in the spool) and filed right after it.
constexpr auto kFilingMayWait = std::chrono::seconds(30);
// Objects count as arriving while an association is open and the last came this recently.
constexpr auto kArriving = std::chrono::seconds(1);

std::string admit(const ListenerSettings& l, const std::string& callingAe, const std::string& host) {
    const Peer* peer = l.peerByAeTitle(callingAe);
    if (!peer) return l.requireKnownPeers ? "calling AE title '" + callingAe + "' is not a known peer" : "";
    if (!peer->host.empty() && peer->host != host)
        return "peer " + peer->name + " must call from " + peer->host + ", not " + host;
    return {};
}

} // namespace

struct Receiver::State {
    explicit State(const Settings& s)
        : settings(s), log(Poco::Logger::get("service")), pipeline(settings, /*durable=*/true),
          spool(settings.spoolDir()), processor(pipeline, spool, settings, Poco::Logger::get("processing")),
          mpps(settings.dataDir + "/mpps", settings.extraction.limits) {}

    Settings settings;
    Poco::Logger& log;
    Pipeline pipeline;
    dicom::Spool spool;
    SpoolProcessor processor;
    dicom::MppsInstances mpps; // procedure steps until completed
    dicom::ListenerContext context;
    std::unique_ptr<dicom::Listener> listener, tlsListener; // the second on [dicom] tls_port
    std::thread processing, network, tlsNetwork;
    std::atomic<bool> listening{false}, tlsListening{false};
    std::atomic<long long> received{0};
    std::atomic<std::chrono::steady_clock::rep> lastSpooled{0}; // steady clock
    mutable std::mutex mutex;
    std::string lastAt, lastAe, listenError;
    bool started = false, stopped = false;
};

Receiver::Receiver(const Settings& settings) : state_(std::make_unique<State>(settings)) {
    State& s = *state_;
    for (const auto& notice : s.pipeline.notices()) s.log.warning(notice);
    if (const auto n = s.spool.clearIncoming())
        s.log.warning("removed %?d incomplete object(s) from %s/incoming left by a stop during receive (their "
                      "senders were not told success and will send them again)",
                      n, s.settings.spoolDir());
    if (const auto n = s.spool.pending().size()) s.log.information("processing %?d object(s) left in the spool", n);

    auto& c = s.context;
    const ListenerSettings& l = s.settings.listener;
    c.aeTitle = l.aeTitle;
    c.maxAssociations = l.maxAssociations;
    c.spoolMinFreeBytes = static_cast<unsigned long long>(l.spoolMinFree_mb) << 20;
    c.spool = &s.spool;
    c.mpps = &s.mpps;
    c.limits = s.settings.extraction.limits;
    c.log = &Poco::Logger::get("listener");
    c.admit = [&s](const std::string& ae, const std::string& host) { return admit(s.settings.listener, ae, host); };
    c.keeps = dicom::mayCarryDose;
    c.offer = [&s](const std::string& path, std::unique_ptr<DcmDataset> dataset, std::size_t bytes) {
        s.processor.offer(path, std::move(dataset), bytes);
    };
    c.withdraw = [&s](const std::string& path) { s.processor.withdraw(path); };
    c.wouldHold = [&s](std::size_t bytes) { return s.processor.wouldHold(bytes); };
    c.onSpooled = [&s](const std::string&, const std::string& callingAe) {
        ++s.received;
        s.lastSpooled = std::chrono::steady_clock::now().time_since_epoch().count();
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            s.lastAt = nowLocalIso();
            s.lastAe = callingAe;
        }
        s.processor.notify();
    };
    c.onAssociationEnded = [&s] { s.processor.notify(); };
    s.processor.deferWhile(
        [&s] {
            const auto last = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(s.lastSpooled.load()));
            return s.context.activeAssociations.load() > 0 && std::chrono::steady_clock::now() - last < kArriving;
        },
        kFilingMayWait);
}

Receiver::~Receiver() {
    try {
        stop();
    } catch (...) {
    }
}

namespace {
void processUntilStopped(Receiver::State& s) {
    try {
        s.processor.runUntilStopped();
    } catch (const store::DatabaseError& e) {
        // No object is to blame: the service stops (its senders keep what it cannot store) and
        // says why; what is spooled stays for the next start.
        s.log.critical("stopping: %s", std::string(e.what()));
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            s.listenError = e.what();
        }
        if (s.listener) s.listener->stop();
        if (s.tlsListener) s.tlsListener->stop();
    }
}

// Runs `listener` until it stops; `running` is false from then on, and why it ended on its own is
// kept (the other listener is then stopped too: the service ends as a whole).
std::thread listen(Receiver::State& s, dicom::Listener& listener, std::atomic<bool>& running) {
    running = true;
    return std::thread([&s, &listener, &running] {
        try {
            listener.run();
        } catch (const Error& e) {
            std::lock_guard<std::mutex> lock(s.mutex);
            if (s.listenError.empty()) s.listenError = e.what();
        }
        running = false;
        if (s.listener) s.listener->stop();
        if (s.tlsListener) s.tlsListener->stop();
    });
}
} // namespace

void Receiver::start() {
    State& s = *state_;
    if (s.started) return;
    s.started = true;
    dicom::ListenerOptions options;
    const ListenerSettings& l = s.settings.listener;
    options.port = l.port;
    options.acseTimeout_s = l.acseTimeout_s;
    options.dimseTimeout_s = l.dimseTimeout_s;
    options.maxPdu = l.maxPdu;
    s.listener = std::make_unique<dicom::Listener>(s.context, options);
    if (l.tlsPort != 0) {
        dicom::ListenerOptions tls = options;
        tls.port = l.tlsPort;
        tls.tls = tlsFiles(s.settings);
        s.tlsListener = std::make_unique<dicom::Listener>(s.context, tls); // throws when the files cannot be used
    }
    s.processing = std::thread([&s] { processUntilStopped(s); });
    s.network = listen(s, *s.listener, s.listening);
    if (s.tlsListener) s.tlsNetwork = listen(s, *s.tlsListener, s.tlsListening);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool answered = false;
    while (listening() && std::chrono::steady_clock::now() < deadline) {
        // The TLS port: open and taking connections (a C-ECHO would need a certificate of ours).
        if (!answered) answered = dicom::echo("127.0.0.1", l.port, l.aeTitle, 2).answered;
        if (answered && (!s.tlsListener || s.tlsListener->accepting())) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!listening()) {
        const std::string why = listenError();
        stop();
        throw Error(why.empty() ? "the listener on port " + std::to_string(l.port) + " ended at once" : why);
    }
    s.log.information("listening as %s on port %?d%s (data in %s, at most %d associations)", l.aeTitle, l.port,
                      s.tlsListener ? " and TLS port " + std::to_string(l.tlsPort) : std::string(), s.settings.dataDir,
                      l.maxAssociations);
}

void Receiver::stop() {
    State& s = *state_;
    if (!s.started || s.stopped) return;
    s.stopped = true;
    if (s.listener) s.listener->stop();
    if (s.tlsListener) s.tlsListener->stop();
    if (s.network.joinable()) s.network.join();
    if (s.tlsNetwork.joinable()) s.tlsNetwork.join();
    s.processor.stop();
    if (s.processing.joinable()) s.processing.join();
}

bool Receiver::listening() const { return state_->listening && (!state_->tlsListener || state_->tlsListening); }

std::string Receiver::listenError() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->listenError;
}

long long Receiver::received() const { return state_->received; }

std::string Receiver::lastObjectAt() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->lastAt;
}

std::string Receiver::lastCallingAe() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->lastAe;
}

std::string Receiver::lastStudyUid() const { return state_->processor.lastObject(); }

long long Receiver::processingFailures() const { return state_->processor.failures(); }

long long Receiver::refusedInARow() const { return state_->context.refusedInARow; }

std::string Receiver::processingStalled() const { return state_->processor.stalled(); }

std::size_t Receiver::pending() const { return state_->spool.pending().size(); }

Pipeline& Receiver::pipeline() { return state_->pipeline; }

} // namespace fa
