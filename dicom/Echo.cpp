#include "dicom/Echo.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scu.h"

namespace fa::dicom {

std::string echo(const std::string& host, std::uint16_t port, const std::string& calledAe, int timeout_s) {
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
    OFCondition cond = scu.initNetwork();
    if (cond.good()) cond = scu.negotiateAssociation();
    if (cond.bad()) return std::string("no association with ") + calledAe + "@" + host + ":" + std::to_string(port) +
                           ": " + cond.text();
    cond = scu.sendECHORequest(0);
    scu.releaseAssociation();
    if (cond.bad()) return std::string("C-ECHO failed: ") + cond.text();
    return {};
}

} // namespace fa::dicom
