#include "dicom/Echo.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scu.h"

namespace fa::dicom {

EchoResult echo(const std::string& host, std::uint16_t port, const std::string& calledAe, int timeout_s) {
    DcmSCU scu;
    scu.setAETitle("FA-STATUS");
    scu.setPeerHostName(host.c_str());
    scu.setPeerPort(port);
    scu.setPeerAETitle(calledAe.c_str());
    scu.setACSETimeout(static_cast<Uint32>(timeout_s));
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(static_cast<Uint32>(timeout_s));
    scu.setConnectionTimeout(timeout_s);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    EchoResult r;
    OFCondition cond = scu.initNetwork();
    if (cond.good()) cond = scu.negotiateAssociation();
    if (cond.bad()) {
        // A refused association (e.g. only known peers admitted) is still a DICOM service answering.
        r.answered = cond == DUL_ASSOCIATIONREJECTED || cond == NET_EC_NoAcceptablePresentationContexts;
        r.detail = std::string("no association with ") + calledAe + "@" + host + ":" + std::to_string(port) + ": " +
                   cond.text();
        return r;
    }
    r.answered = true;
    cond = scu.sendECHORequest(0);
    scu.releaseAssociation();
    r.echoed = cond.good();
    if (cond.bad()) r.detail = std::string("C-ECHO failed: ") + cond.text();
    return r;
}

} // namespace fa::dicom
