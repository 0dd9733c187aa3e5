// The C-STORE / C-ECHO service of one association. Every received object is written to the spool,
// flushed and renamed before "success" is answered; when it cannot be made durable the answer is
// 0xA700 (out of resources) so that the sender retries. Objects of SOP classes that cannot carry
// dose content are answered with success and not kept.
#pragma once

#include "dicom/MppsInstances.h"
#include "dicom/Prescan.h"
#include "dicom/Spool.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/scpthrd.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Poco {
class Logger;
}

namespace fa::dicom {

// Shared by all associations of a listener.
struct ListenerContext {
    std::string aeTitle;
    int maxAssociations = 16;
    // Below this much free space in the spool, objects are received into memory first so that a
    // full disk is answered with 0xA700 rather than an aborted association.
    unsigned long long spoolMinFreeBytes = 256ull << 20;
    Spool* spool = nullptr;
    Poco::Logger* log = nullptr;
    // "" admits the caller; otherwise the reason it is refused (unknown peer, wrong host).
    std::function<std::string(const std::string& callingAe, const std::string& host)> admit;
    // Whether objects of a SOP class are kept for extraction.
    std::function<bool(const std::string& sopClassUid)> keeps;
    // Receives the parsed dataset of an object (of `bytes` in the spool) under its final spool name
    // just before the object becomes visible there, so that processing need not read the file
    // again; `withdraw` takes it back if it never does. Only objects below preloadBelowBytes are
    // parsed for this: DCMTK's tree takes ~15 times the object, larger ones are read in pieces
    // when processed.
    std::function<void(const std::string& spooledPath, std::unique_ptr<DcmDataset> dataset, std::size_t bytes)> offer;
    std::size_t preloadBelowBytes = 256 << 10;
    // Whether a dataset of `bytes` offered now would be taken (not while filing waits, nor beyond
    // the bound of held datasets); when it would not, the object is not parsed here at all.
    std::function<bool(std::size_t bytes)> wouldHold;
    std::function<void(const std::string& spooledPath)> withdraw;
    // Called after an object is durable in the spool.
    std::function<void(const std::string& spooledPath, const std::string& callingAe)> onSpooled;
    // Called when an association has ended.
    std::function<void()> onAssociationEnded;
    // Storage SOP classes and transfer syntaxes accepted (private SOP classes are accepted too).
    std::vector<const char*> storageSopClasses;
    std::vector<const char*> transferSyntaxes;
    // Objects beyond these are answered 0xC000 and not kept (dicom/Prescan.h).
    PrescanLimits limits;
    // Procedure steps received by N-CREATE / N-SET (null: MPPS is not offered).
    MppsInstances* mpps = nullptr;

    std::atomic<int> activeAssociations{0};
    // Objects answered 0xA700 since the last one kept (the spool cannot be written): health is
    // degraded while this is above 0.
    std::atomic<long long> refusedInARow{0};
};

class StoreScp : public DcmThreadSCP {
public:
    explicit StoreScp(ListenerContext& context);
    // How the association reached this service, for its log lines ("" plain TCP).
    void setTransport(const std::string& transport) { transport_ = transport; }

protected:
    OFCondition handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& presInfo) override;
    void notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& desiredAction) override;
    void refuseAssociation(const DcmRefuseReasonType reason) override;
    void notifyReleaseRequest() override;
    void notifyAbortRequest() override;
    void notifyAssociationTermination() override;
    void notifyDIMSEError(const OFCondition& cond) override;
    OFCondition negotiateAssociation() override;

    ListenerContext& context_;

private:
    OFCondition handleStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId);
    // The dataset that follows an N-CREATE or N-SET request, received into a file unparsed (`file`,
    // "" when it is not to be kept); a refusal when the request cannot be served: a SOP class other
    // than MPPS (0x0122), no dataset (0x0120), no room to receive it (0x0213). `cond`: the association.
    MppsOutcome receiveStep(const char* sopClass, const std::string& uid, bool datasetFollows,
                            const DcmPresentationContextInfo& presInfo, std::string& file, OFCondition& cond);
    OFCondition handleNCreate(T_DIMSE_N_CreateRQ& request, const DcmPresentationContextInfo& presInfo);
    OFCondition handleNSet(T_DIMSE_N_SetRQ& request, const DcmPresentationContextInfo& presInfo);
    // Logs an MPPS outcome; a completed step goes to the spool like a received object.
    Uint16 conclude(const std::string& what, const std::string& uid, MppsOutcome& outcome);
    OFCondition dropStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId);
    OFCondition receiveIntoSpool(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId,
                                 const std::string& partial);
    OFCondition keepStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId, const std::string& partial,
                          std::unique_ptr<DcmDataset> dataset, std::size_t bytes);
    OFCondition refuseStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId, const std::string& why);
    // Not to be sent again: the object itself is beyond what is accepted.
    OFCondition rejectStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId, const std::string& why);
    std::string peer() const;
    void acceptPresentationContexts(T_ASC_Parameters& params);

    std::string callingAe_, calledAe_, host_;
    std::optional<DcmRefuseReasonType> refusal_;
    int stored_ = 0, skipped_ = 0, failed_ = 0, echoes_ = 0;
    std::string ending_;
    std::string transport_;
    // What was stored, by study, for the association's ATNA messages (kept only when they are sent).
    struct Received {
        std::string patientId;
        std::map<std::string, int> sopClasses;
    };
    std::map<std::string, Received> received_;
    void noteReceived(const std::string& sopClass, DcmDataset* dataset, const std::string& file);
    void recordTransfers() const;
};

} // namespace fa::dicom
