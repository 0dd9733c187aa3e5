#include "dicom/Listener.h"

#include "core/Error.h"

#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scppool.h"

#include <algorithm>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cstdlib>

namespace fa::dicom {

namespace {

constexpr int kAssociationNice = 4;

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

// DCMTK's pool constructs its workers without arguments; this one hands each the shared context.
class Listener::Pool : public DcmBaseSCPPool {
public:
    explicit Pool(ListenerContext& context) : context_(context) {}

protected:
    DcmBaseSCPWorker* createSCPWorker() override { return new Worker(*this, context_); }

private:
    class Worker : public DcmBaseSCPPool::DcmBaseSCPWorker, public StoreScp {
    public:
        Worker(DcmBaseSCPPool& pool, ListenerContext& context) : DcmBaseSCPWorker(pool), StoreScp(context) {}
        OFCondition setSharedConfig(const DcmSharedSCPConfig& config) override {
            return StoreScp::setSharedConfig(config);
        }
        OFBool busy() override { return StoreScp::isConnected(); }

    protected:
        OFCondition workerListen(T_ASC_Association* const assoc) override {
            // Receiving yields a little to processing, so that what is acknowledged is also stored
            // promptly under load (per-thread nice on Linux; failure is harmless).
            ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kAssociationNice);
            ++context_.activeAssociations;
            const OFCondition result = StoreScp::run(assoc);
            --context_.activeAssociations;
            return result;
        }
    };

    ListenerContext& context_;
};

Listener::Listener(ListenerContext& context, const ListenerOptions& options)
    : pool_(std::make_unique<Pool>(context)), options_(options) {
    // Without TCP_NODELAY every small object waits ~100 ms for delayed ACKs (dcmtk-notes).
    ::setenv("TCP_NODELAY", "1", 0);
    DcmSCPConfig& cfg = pool_->getConfig();
    cfg.setAETitle(context.aeTitle.c_str());
    cfg.setPort(options.port);
    cfg.setACSETimeout(static_cast<Uint32>(options.acseTimeout_s));
    cfg.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    cfg.setDIMSETimeout(static_cast<Uint32>(options.dimseTimeout_s));
    cfg.setMaxReceivePDULength(options.maxPdu);
    // Accept in short rounds so that stop() takes effect within a second.
    cfg.setConnectionBlockingMode(DUL_NOBLOCK);
    cfg.setConnectionTimeout(1);
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
    // Headroom above the configured limit: the extra workers only refuse, with a log line saying why.
    pool_->setMaxThreads(static_cast<Uint16>(2 * context.maxAssociations + 8));
}

Listener::~Listener() = default;

void Listener::run() {
    const OFCondition cond = pool_->listen();
    if (cond.bad())
        throw Error("cannot listen on DICOM port " + std::to_string(options_.port) + ": " + cond.text() +
                    " (is another service using it? choose another with --port)");
}

void Listener::stop() { pool_->stopAfterCurrentAssociations(); }

} // namespace fa::dicom
