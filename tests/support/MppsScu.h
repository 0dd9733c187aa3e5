// A Modality Performed Procedure Step SCU on DCMTK's association and DIMSE layers, for tests and
// benchmarks that act as a C-arm does, and as a broken or hostile one might: a request may carry a
// dataset, a Part 10 file sent as its bytes are (never parsed here, so objects DCMTK itself could
// not build can be sent), or nothing at all, and may name another SOP class than its context.
#pragma once

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/assoc.h"
#include "dcmtk/dcmnet/dimse.h"

#include <string>
#include <vector>

class DcmDataset;

namespace fa::test {

class MppsScu {
public:
    // Opens an association with the service at 127.0.0.1:`port` for `abstractSyntax` (MPPS by
    // default) in `transferSyntax`; throws std::runtime_error when it is not accepted.
    explicit MppsScu(int port, const std::string& abstractSyntax = UID_ModalityPerformedProcedureStepSOPClass,
                     const std::string& transferSyntax = UID_LittleEndianExplicitTransferSyntax);
    ~MppsScu(); // releases the association
    MppsScu(const MppsScu&) = delete;
    MppsScu& operator=(const MppsScu&) = delete;

    // What is sent with a request: a dataset, or a Part 10 file's dataset as its bytes are, or nothing.
    struct Payload {
        DcmDataset* dataset = nullptr;
        std::string file;
        std::string sopClass = UID_ModalityPerformedProcedureStepSOPClass; // named in the request
    };
    // The status answered; 0xFFFF when no answer came within `timeout_s` or the exchange failed.
    Uint16 create(const std::string& uid, const Payload& payload, int timeout_s = 60);
    Uint16 set(const std::string& uid, const Payload& payload, int timeout_s = 60);
    Uint16 create(const std::string& uid, DcmDataset& attributes) { return create(uid, Payload{&attributes, "", UID_ModalityPerformedProcedureStepSOPClass}); }
    Uint16 set(const std::string& uid, DcmDataset& modifications) { return set(uid, Payload{&modifications, "", UID_ModalityPerformedProcedureStepSOPClass}); }

private:
    Uint16 exchange(T_DIMSE_Message& request, const Payload& payload, T_DIMSE_Command expected, int timeout_s);
    OFCondition sendAsBytes(const T_DIMSE_Message& request, std::vector<Uint8> dataset);

    T_ASC_Network* network_ = nullptr;
    T_ASC_Association* association_ = nullptr;
    T_ASC_PresentationContextID context_ = 1;
    Uint16 messageId_ = 0;
};

} // namespace fa::test
