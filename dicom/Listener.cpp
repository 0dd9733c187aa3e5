#include "dicom/Listener.h"

#include "core/Error.h"
#include "dicom/Acceptor.h"

#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/assoc.h"
#include "dcmtk/dcmnet/dcmlayer.h"
#include "dcmtk/dcmnet/dul.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cstdlib>

namespace fa::dicom {

namespace {

constexpr int kAssociationNice = 4;
// Workers beyond dicom.max_associations, which only refuse.
constexpr int kRefusingWorkers = 8;

// Accepted as received. Where a sender offers several in one presentation context, a compressed
// one is preferred: it is how the sender holds the object (storescu, for one, offers the file's own
// syntax plus uncompressed, and fails when asked to decode). Pixel data is dropped unread anyway.
const char* const kTransferSyntaxes[] = {
    UID_JPEGProcess14SV1TransferSyntax,
    UID_JPEGProcess14TransferSyntax,
    UID_JPEGLSLosslessTransferSyntax,
    UID_JPEG2000LosslessOnlyTransferSyntax,
    UID_RLELosslessTransferSyntax,
    UID_JPEGProcess1TransferSyntax,
    UID_JPEGProcess2_4TransferSyntax,
    UID_JPEGLSLossyTransferSyntax,
    UID_JPEG2000TransferSyntax,
    UID_MPEG2MainProfileAtMainLevelTransferSyntax,
    UID_MPEG4HighProfileLevel4_1TransferSyntax,
    UID_DeflatedExplicitVRLittleEndianTransferSyntax,
    UID_LittleEndianExplicitTransferSyntax,
    UID_LittleEndianImplicitTransferSyntax,
    UID_BigEndianExplicitTransferSyntax,
};

} // namespace

std::vector<std::string> acceptedStorageSopClasses() {
    std::vector<std::string> out(dcmAllStorageSOPClassUIDs,
                                 dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
    if (std::find(out.begin(), out.end(), UID_EnhancedXRayRadiationDoseSRStorage) == out.end())
        out.emplace_back(UID_EnhancedXRayRadiationDoseSRStorage);
    return out;
}

namespace {

// DCMTK takes an accepted connection only through a process-wide setting (meant for inetd), so
// connections are handed to it one at a time. Each is there whole already (the Acceptor waited for
// its association request), so the hand-over never waits on the network.
std::mutex& adoptionMutex() {
    static std::mutex m;
    return m;
}

// The hand-over in progress on this thread. On the TLS port DCMTK has taken the connection once it
// starts the handshake: the next hand-over need not wait for that (a peer may take its time).
thread_local std::unique_lock<std::mutex>* tAdoption = nullptr;

void endAdoption() {
    if (!tAdoption || !tAdoption->owns_lock()) return;
    dcmExternalSocketHandle.set(-1);
    tAdoption->unlock();
}

class Worker : public StoreScp {
public:
    explicit Worker(ListenerContext& context) : StoreScp(context) {}
    OFCondition serve(T_ASC_Association* assoc, const std::string& transport) {
        setTransport(transport);
        ++context_.activeAssociations;
        const OFCondition result = run(assoc);
        --context_.activeAssociations;
        if (context_.onAssociationEnded) context_.onAssociationEnded();
        return result;
    }
};

} // namespace

struct Listener::Workers {
    std::unique_ptr<DcmTransportLayer> tls; // outlives the network (dropped below)
    T_ASC_Network* network = nullptr;
    DcmSharedSCPConfig config;
    std::unique_ptr<Acceptor> acceptor;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Acceptor::Connection> ready;
    bool closed = false;
    std::vector<std::thread> threads;

    ~Workers() {
        if (network) ASC_dropNetwork(&network);
    }
};

Listener::Listener(ListenerContext& context, const ListenerOptions& options)
    : context_(context), options_(options), workers_(std::make_unique<Workers>()) {
    // Without TCP_NODELAY every small object waits ~100 ms for delayed ACKs (dcmtk-notes).
    ::setenv("TCP_NODELAY", "1", 0);
    DcmSCPConfig cfg;
    cfg.setAETitle(context.aeTitle.c_str());
    cfg.setPort(options.port);
    cfg.setACSETimeout(static_cast<Uint32>(options.acseTimeout_s));
    cfg.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    cfg.setDIMSETimeout(static_cast<Uint32>(options.dimseTimeout_s));
    cfg.setMaxReceivePDULength(options.maxPdu);
    cfg.setHostLookupEnabled(OFFalse);
    static const std::vector<std::string> storageClasses = acceptedStorageSopClasses();
    context.storageSopClasses.clear();
    for (const auto& uid : storageClasses) context.storageSopClasses.push_back(uid.c_str());
    context.transferSyntaxes.assign(std::begin(kTransferSyntaxes), std::end(kTransferSyntaxes));
    // The profile only needs to exist: StoreScp accepts the contexts itself.
    OFList<OFString> echoSyntaxes;
    echoSyntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    echoSyntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    cfg.addPresentationContext(UID_VerificationSOPClass, echoSyntaxes, ASC_SC_ROLE_DEFAULT);
    workers_->config = DcmSharedSCPConfig(cfg);
    if (options.tls) workers_->tls = makeTlsLayer(TlsRole::Acceptor, *options.tls, endAdoption);
}

Listener::~Listener() {
    stop();
    for (auto& t : workers_->threads)
        if (t.joinable()) t.join();
}

namespace {

// DCMTK's association for a connection whose request has arrived; nullptr (and the connection
// closed) when DCMTK cannot read it.
T_ASC_Association* adopt(T_ASC_Network* network, const Acceptor::Connection& c, const ListenerOptions& options,
                         Poco::Logger& log) {
    const bool tls = options.tls.has_value();
    if (tls) {
        // The handshake reads with blocking calls: a peer that stops half-way is given up on.
        timeval limit{std::max(options.acseTimeout_s, options.dimseTimeout_s), 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    }
    T_ASC_Association* assoc = nullptr;
    OFCondition cond;
    {
        std::unique_lock<std::mutex> lock(adoptionMutex());
        dcmExternalSocketHandle.set(c.fd);
        tAdoption = &lock;
        cond = ASC_receiveAssociation(network, &assoc, static_cast<long>(options.maxPdu), nullptr, nullptr,
                                      tls ? OFTrue : OFFalse, DUL_NOBLOCK, options.acseTimeout_s);
        endAdoption();
        tAdoption = nullptr;
    }
    if (cond.good()) return assoc;
    const bool dcmtkOwnsSocket = assoc && assoc->DULassociation;
    if (tls)
        log.warning("refused a TLS connection from %s: %s (a peer needs a certificate signed by [tls] ca_file and "
                    "TLS 1.2 or newer)",
                    c.address, std::string(cond.text()));
    else
        log.warning("could not read the association request from %s: %s", c.address, std::string(cond.text()));
    if (assoc) {
        ASC_dropAssociation(assoc);
        ASC_destroyAssociation(&assoc);
    }
    if (!dcmtkOwnsSocket) ::close(c.fd);
    return nullptr;
}

} // namespace

void Listener::run() {
    Workers& w = *workers_;
    {
        std::lock_guard<std::mutex> lock(w.mutex);
        if (w.closed) return;
        AcceptorLimits limits;
        // Beyond the associations served, an address has room to be refused properly ("local limit
        // exceeded", which senders retry) before its connections are simply closed.
        limits.perAddress = context_.maxAssociations + kRefusingWorkers;
        limits.requestTimeout_s = options_.acseTimeout_s;
        limits.tls = options_.tls.has_value();
        w.acceptor = std::make_unique<Acceptor>(options_.port, limits, *context_.log);
    }
    {
        // An accepting network without a port of its own: connections come from the Acceptor.
        std::lock_guard<std::mutex> lock(adoptionMutex());
        dcmExternalSocketHandle.set(STDIN_FILENO);
        const OFCondition cond = ASC_initializeNetwork(NET_ACCEPTOR, 0, options_.acseTimeout_s, &w.network);
        dcmExternalSocketHandle.set(-1);
        if (cond.bad()) throw Error(std::string("cannot set up DICOM networking: ") + cond.text());
        if (w.tls)
            if (const OFCondition c = ASC_setTransportLayer(w.network, w.tls.get(), 0); c.bad())
                throw Error(std::string("cannot set up DICOM over TLS: ") + c.text());
    }
    dcmDisableGethostbyaddr.set(OFTrue);
    // Headroom above the configured limit: the extra workers only refuse, with a log line saying why.
    const int count = 2 * context_.maxAssociations + kRefusingWorkers;
    for (int i = 0; i < count; ++i) w.threads.emplace_back([this] { work(); });
    accepting_ = true;
    w.acceptor->run([&w](Acceptor::Connection c) {
        std::lock_guard<std::mutex> lock(w.mutex);
        w.ready.push_back(std::move(c));
        w.wake.notify_one();
    });
    accepting_ = false;
    {
        std::lock_guard<std::mutex> lock(w.mutex);
        w.closed = true;
        w.wake.notify_all();
    }
    for (auto& t : w.threads) t.join();
    w.threads.clear();
    for (const auto& c : w.ready) ::close(c.fd);
    w.ready.clear();
}

// One worker: serves the associations handed to it, one at a time, until the listener stops.
void Listener::work() {
    // Receiving yields a little to processing, so that what is acknowledged is also stored promptly
    // under load (per-thread nice on Linux; failure is harmless).
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kAssociationNice);
    Workers& w = *workers_;
    for (;;) {
        Acceptor::Connection c;
        {
            std::unique_lock<std::mutex> lock(w.mutex);
            w.wake.wait(lock, [&w] { return w.closed || !w.ready.empty(); });
            if (w.ready.empty()) return;
            c = std::move(w.ready.front());
            w.ready.pop_front();
        }
        if (T_ASC_Association* assoc = adopt(w.network, c, options_, *context_.log)) {
            // One SCP object per association: DcmSCP keeps a refused association until it is
            // destroyed (its destructor drops it), and would take no other until then.
            Worker scp(context_);
            scp.setSharedConfig(w.config);
            std::string transport;
            if (options_.tls) {
                const std::string subject = peerCertificateSubject(assoc);
                transport = "TLS, " + (subject.empty() ? std::string("no certificate") : "certificate " + subject);
            }
            scp.serve(assoc, transport);
        }
        w.acceptor->release(c.address);
    }
}

void Listener::stop() {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->closed = true;
    if (workers_->acceptor) workers_->acceptor->stop();
}

} // namespace fa::dicom
