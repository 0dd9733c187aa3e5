#include "dicom/StoreScp.h"

#include "core/Error.h"
#include "core/HostName.h"
#include "core/SecurityEvent.h"
#include "dicom/ObjectExtractor.h"

#include "dcmtk/dcmdata/dcdatset.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <Poco/Logger.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace fa::dicom {

namespace {
// Below this much free space a received file that cannot be read back was cut short by the disk.
constexpr unsigned long long kShortOfSpace = 1ull << 20;
} // namespace

StoreScp::StoreScp(ListenerContext& context) : context_(context) {}

std::string StoreScp::peer() const { return callingAe_ + "@" + host_; }

void StoreScp::notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& desiredAction) {
    callingAe_ = params.DULparams.callingAPTitle;
    calledAe_ = params.DULparams.calledAPTitle;
    host_ = params.DULparams.callingPresentationAddress;
    refusal_.reset();
    stored_ = skipped_ = failed_ = echoes_ = 0;
    ending_ = "ended";
    received_.clear();
    std::string why;
    if (calledAe_ != context_.aeTitle) {
        refusal_ = DCMSCP_CALLED_AE_TITLE_NOT_RECOGNIZED;
        why = "it called AE title '" + calledAe_ + "', this service is '" + context_.aeTitle + "'";
    } else if (std::string reason = context_.admit ? context_.admit(callingAe_, host_) : ""; !reason.empty()) {
        refusal_ = DCMSCP_CALLING_AE_TITLE_NOT_RECOGNIZED;
        why = reason;
    } else if (context_.activeAssociations.load() > context_.maxAssociations) {
        refusal_ = DCMSCP_TOO_MANY_ASSOCIATIONS;
        why = "all " + std::to_string(context_.maxAssociations) +
              " associations are busy (dicom.max_associations); the sender should retry";
    }
    if (refusal_) {
        desiredAction = DCMSCP_ACTION_REFUSE_ASSOCIATION;
        context_.log->warning("refused association from %s to %s: %s", peer(), calledAe_, why);
        return;
    }
    // `params` is the association's own parameter block (DcmSCP passes it as const).
    acceptPresentationContexts(const_cast<T_ASC_Parameters&>(params));
}

// DCMTK's association profiles hold at most 128 presentation contexts, fewer than the storage SOP
// classes there are; contexts are therefore accepted here, as storescp does, over the full list.
void StoreScp::acceptPresentationContexts(T_ASC_Parameters& params) {
    std::vector<const char*> abstract = context_.storageSopClasses;
    abstract.push_back(UID_VerificationSOPClass);
    if (context_.mpps) abstract.push_back(UID_ModalityPerformedProcedureStepSOPClass);
    std::vector<std::string> privateClasses;
    for (int i = 0; i < ASC_countPresentationContexts(&params); ++i) {
        T_ASC_PresentationContext pc;
        if (ASC_getPresentationContext(&params, i, &pc).good() &&
            std::string(pc.abstractSyntax).rfind("1.2.840.10008.", 0) != 0)
            privateClasses.emplace_back(pc.abstractSyntax); // vendor objects forwarded with a study
    }
    for (const auto& uid : privateClasses) abstract.push_back(uid.c_str());
    const OFCondition cond = ASC_acceptContextsWithPreferredTransferSyntaxes(
        &params, abstract.data(), static_cast<int>(abstract.size()),
        const_cast<const char**>(context_.transferSyntaxes.data()), static_cast<int>(context_.transferSyntaxes.size()));
    if (cond.bad()) context_.log->error("cannot negotiate with %s: %s", peer(), std::string(cond.text()));
}

OFCondition StoreScp::negotiateAssociation() { return EC_Normal; }

// DcmSCP refuses with "internal error" when notifyAssociationRequest() asks it to: give the peer
// the real reason instead.
void StoreScp::refuseAssociation(const DcmRefuseReasonType reason) {
    DcmSCP::refuseAssociation(refusal_ && reason == DCMSCP_INTERNAL_ERROR ? *refusal_ : reason);
}

void StoreScp::notifyReleaseRequest() { ending_ = "released"; }
void StoreScp::notifyAbortRequest() { ending_ = "aborted by the peer"; }

void StoreScp::notifyDIMSEError(const OFCondition& cond) {
    if (cond != DUL_PEERREQUESTEDRELEASE && cond != DUL_PEERABORTEDASSOCIATION)
        ending_ = std::string("ended by a network error: ") + cond.text();
}

void StoreScp::notifyAssociationTermination() {
    if (refusal_) return; // already logged
    recordTransfers();
    const std::string line = "association " + peer() + " -> " + calledAe_ +
                             (transport_.empty() ? std::string() : " (" + transport_ + ")") + ": " + std::to_string(stored_) +
                             " stored, " + std::to_string(skipped_) + " without dose content, " +
                             std::to_string(failed_) + " refused" +
                             (echoes_ ? ", " + std::to_string(echoes_) + " echo" : std::string()) + "; " + ending_;
    if (failed_ > 0) context_.log->warning(line);
    else context_.log->information(line);
}

OFCondition StoreScp::handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& presInfo) {
    if (message->CommandField == DIMSE_C_STORE_RQ)
        return handleStore(message->msg.CStoreRQ, presInfo.presentationContextID);
    if (message->CommandField == DIMSE_C_ECHO_RQ) ++echoes_;
    if (context_.mpps && message->CommandField == DIMSE_N_CREATE_RQ)
        return handleNCreate(message->msg.NCreateRQ, presInfo);
    if (context_.mpps && message->CommandField == DIMSE_N_SET_RQ)
        return handleNSet(message->msg.NSetRQ, presInfo);
    return DcmThreadSCP::handleIncomingCommand(message, presInfo);
}

namespace {
// An N-CREATE or N-SET response (their fields are the same): no dataset follows it.
template <class Response>
void answer(Response& r, DIC_US messageId, const char* sopClass, const std::string& uid, Uint16 status, unsigned opts) {
    r.MessageIDBeingRespondedTo = messageId;
    OFStandard::strlcpy(r.AffectedSOPClassUID, sopClass, sizeof r.AffectedSOPClassUID);
    OFStandard::strlcpy(r.AffectedSOPInstanceUID, uid.c_str(), sizeof r.AffectedSOPInstanceUID);
    r.DimseStatus = status;
    r.DataSetType = DIMSE_DATASET_NULL;
    r.opts = opts;
}
} // namespace

Uint16 StoreScp::conclude(const std::string& what, const std::string& uid, MppsOutcome& outcome) {
    if (outcome.status != kMppsSuccess) {
        ++failed_;
        char status[8];
        std::snprintf(status, sizeof status, "0x%04X", outcome.status);
        context_.log->warning("%s of procedure step %s from %s answered %s: %s", what, uid, peer(), std::string(status),
                              outcome.why);
        return outcome.status;
    }
    if (outcome.completed.empty()) return kMppsSuccess;
    // Completed: on to the spool, processed as a dose object like a stored one.
    std::string partial;
    try {
        partial = context_.spool->reserve();
        std::error_code ec;
        std::filesystem::copy_file(outcome.completed, partial, std::filesystem::copy_options::overwrite_existing, ec);
        if (ec) throw Error("cannot copy " + outcome.completed + " to " + partial + ": " + ec.message());
        const std::string spooled = context_.spool->commit(partial, callingAe_);
        ++stored_;
        noteReceived(UID_ModalityPerformedProcedureStepSOPClass, nullptr, spooled);
        context_.onSpooled(spooled, callingAe_);
    } catch (const Error& e) {
        if (!partial.empty()) context_.spool->discard(partial);
        ++failed_;
        context_.log->error("procedure step %s from %s is kept but could not be queued for processing: %s", uid, peer(),
                            std::string(e.what()));
    }
    return kMppsSuccess;
}

MppsOutcome StoreScp::receiveStep(const char* sopClass, const std::string& uid, bool datasetFollows,
                                  const DcmPresentationContextInfo& presInfo, std::string& file, OFCondition& cond) {
    file.clear();
    cond = EC_Normal;
    const bool mppsClass = std::string(sopClass) == UID_ModalityPerformedProcedureStepSOPClass &&
                           presInfo.abstractSyntax == UID_ModalityPerformedProcedureStepSOPClass;
    const std::string wrongClass = "the request names SOP class " + std::string(sopClass) + " on a presentation context for " +
                                   presInfo.abstractSyntax.c_str() + "; this service offers MPPS (" +
                                   UID_ModalityPerformedProcedureStepSOPClass + ") only";
    if (!datasetFollows)
        return mppsClass ? MppsOutcome{kMppsMissingAttribute, "the request carries no dataset", {}}
                         : MppsOutcome{kMppsSopClassNotSupported, wrongClass, {}};
    // Received unparsed into the spool's incoming folder (as C-STORE does): nothing is built from it
    // before it has been looked at. With no room there (a receive into a file that cannot be written
    // would break the association), it is read past and refused; the modality sends it again later.
    std::string target = "/dev/null", noRoom;
    if (context_.spool->freeBytes() < context_.spoolMinFreeBytes) {
        noRoom = "the spool's file system has less than dicom.spool_min_free_mb free";
    } else {
        try {
            target = context_.spool->reserve();
        } catch (const Error& e) {
            noRoom = e.what();
        }
    }
    T_DIMSE_C_StoreRQ carrier{}; // how DCMTK receives a dataset into a file: as if it were stored
    carrier.DataSetType = DIMSE_DATASET_PRESENT;
    OFStandard::strlcpy(carrier.AffectedSOPClassUID, UID_ModalityPerformedProcedureStepSOPClass, sizeof carrier.AffectedSOPClassUID);
    OFStandard::strlcpy(carrier.AffectedSOPInstanceUID, uid.c_str(), sizeof carrier.AffectedSOPInstanceUID);
    cond = receiveSTORERequest(carrier, presInfo.presentationContextID, OFString(target.c_str()));
    const bool keepIt = cond.good() && mppsClass && noRoom.empty();
    if (!keepIt && noRoom.empty()) context_.spool->discard(target);
    if (keepIt) file = target;
    if (!mppsClass) return {kMppsSopClassNotSupported, wrongClass, {}};
    if (!noRoom.empty()) return {kMppsResourceLimitation, "no room to receive it: " + noRoom, {}};
    return {};
}

OFCondition StoreScp::handleNCreate(T_DIMSE_N_CreateRQ& request, const DcmPresentationContextInfo& presInfo) {
    std::string uid;
    if (request.opts & O_NCREATE_AFFECTEDSOPINSTANCEUID) {
        uid = request.AffectedSOPInstanceUID;
    } else { // the SCP assigns it (PS3.7 10.1.5)
        char buffer[65];
        uid = dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT);
    }
    std::string file;
    OFCondition cond;
    MppsOutcome outcome = receiveStep(request.AffectedSOPClassUID, uid, request.DataSetType != DIMSE_DATASET_NULL,
                                      presInfo, file, cond);
    if (cond.bad()) return cond; // the association is gone: nothing to answer
    if (!file.empty()) {
        outcome = context_.mpps->create(uid, file);
        context_.spool->discard(file);
    }
    T_DIMSE_Message response{};
    response.CommandField = DIMSE_N_CREATE_RSP;
    answer(response.msg.NCreateRSP, request.MessageID, request.AffectedSOPClassUID, uid, conclude("N-CREATE", uid, outcome),
           O_NCREATE_AFFECTEDSOPCLASSUID | O_NCREATE_AFFECTEDSOPINSTANCEUID);
    return sendDIMSEMessage(presInfo.presentationContextID, &response, nullptr);
}

OFCondition StoreScp::handleNSet(T_DIMSE_N_SetRQ& request, const DcmPresentationContextInfo& presInfo) {
    const std::string uid = request.RequestedSOPInstanceUID;
    std::string file;
    OFCondition cond;
    MppsOutcome outcome = receiveStep(request.RequestedSOPClassUID, uid, request.DataSetType != DIMSE_DATASET_NULL,
                                      presInfo, file, cond);
    if (cond.bad()) return cond;
    if (!file.empty()) {
        outcome = context_.mpps->set(uid, file);
        context_.spool->discard(file);
    }
    T_DIMSE_Message response{};
    response.CommandField = DIMSE_N_SET_RSP;
    answer(response.msg.NSetRSP, request.MessageID, request.RequestedSOPClassUID, uid, conclude("N-SET", uid, outcome),
           O_NSET_AFFECTEDSOPCLASSUID | O_NSET_AFFECTEDSOPINSTANCEUID);
    return sendDIMSEMessage(presInfo.presentationContextID, &response, nullptr);
}

OFCondition StoreScp::refuseStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId,
                                  const std::string& why) {
    ++failed_;
    context_.log->error("could not keep %s from %s, answered 0xA700 so that it is sent again: %s",
                        std::string(request.AffectedSOPInstanceUID), peer(), why);
    ++context_.refusedInARow;
    return sendSTOREResponse(presId, request, STATUS_STORE_Refused_OutOfResources);
}

OFCondition StoreScp::rejectStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId,
                                  const std::string& why) {
    ++failed_;
    context_.log->error("refused %s from %s, answered 0xC000 (not to be sent again): %s",
                        std::string(request.AffectedSOPInstanceUID), peer(), why);
    return sendSTOREResponse(presId, request, STATUS_STORE_Error_CannotUnderstand);
}

// Objects that may carry dose content are written to the spool as received (no parsing, no
// re-encoding) while the spool has room, then read once for processing. When free space runs low
// they are received into memory first, their pixel data dropped, and only then written: a disk
// that fills up is then answered with 0xA700 (DCMTK stops reading the network when a
// direct-to-file receive cannot write, which would break the association). Other objects go through
// a scratch file, to keep large images of other modalities out of memory, and are dropped.
OFCondition StoreScp::handleStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId) {
    if (!context_.keeps(request.AffectedSOPClassUID)) return dropStore(request, presId);
    if (context_.spool->freeBytes() >= context_.spoolMinFreeBytes) {
        std::string partial;
        try {
            partial = context_.spool->reserve();
        } catch (const Error&) {
            partial.clear(); // fall through to the memory path, which answers 0xA700 if need be
        }
        if (!partial.empty()) return receiveIntoSpool(request, presId, partial);
    }
    DcmDataset* received = nullptr;
    const OFCondition cond = receiveSTORERequest(request, presId, received);
    std::unique_ptr<DcmDataset> dataset(received);
    if (cond.bad()) return cond; // the association is gone (network error or abort): nothing was acknowledged
    for (const DcmTagKey& tag : {DCM_PixelData, DCM_FloatPixelData, DCM_DoubleFloatPixelData})
        delete dataset->remove(tag);
    std::string partial;
    try {
        partial = context_.spool->writePartial(*dataset);
    } catch (const Error& e) {
        return refuseStore(request, presId, e.what());
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(partial, ec);
    return keepStore(request, presId, partial, std::move(dataset), ec ? SIZE_MAX : bytes);
}

// The object written to `partial` as it arrives (bit for bit), looked at, read once; flushed when
// it is committed (with the objects other associations commit at the same time).
OFCondition StoreScp::receiveIntoSpool(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId,
                                       const std::string& partial) {
    const OFCondition cond = receiveSTORERequest(request, presId, OFString(partial.c_str()));
    if (cond.bad()) { // the association is gone: nothing was acknowledged
        context_.spool->discard(partial);
        return cond;
    }
    if (const std::string why = prescanFile(partial, context_.limits); !why.empty()) {
        context_.spool->discard(partial);
        // Cut short by a disk that filled up while it was written: the sender sends it again.
        if (why.rfind(kTruncated, 0) == 0 && context_.spool->freeBytes() < kShortOfSpace)
            return refuseStore(request, presId, "the spool's disk filled up while " + partial + " was received");
        return rejectStore(request, presId, why);
    }
    DcmFileFormat file;
    std::unique_ptr<DcmDataset> dataset;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(partial, ec);
    const bool parse = !ec && bytes < context_.preloadBelowBytes && (!context_.wouldHold || context_.wouldHold(bytes));
    if (parse && file.loadFile(partial.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValueLength).good()) {
        dataset.reset(file.getAndRemoveDataset());
    } else if (ec || context_.spool->freeBytes() < kShortOfSpace) {
        // Unreadable (or too large to read here) and the disk is (nearly) full: what was written
        // may be cut short, not what was sent. The sender keeps the object and sends it again.
        context_.spool->discard(partial);
        return refuseStore(request, presId, "the spool's disk filled up while " + partial + " was received");
    }
    return keepStore(request, presId, partial, std::move(dataset), bytes);
}

void StoreScp::noteReceived(const std::string& sopClass, DcmDataset* dataset, const std::string& file) {
    if (!securityEventsRecorded()) return;
    DcmFileFormat header;
    // A procedure step has its study further on, in Scheduled Step Attributes (before its exposures).
    const DcmTagKey stop = sopClass == UID_ModalityPerformedProcedureStepSOPClass ? DCM_RETIRED_ExposureDoseSequence
                                                                                  : DCM_SeriesInstanceUID;
    if (!dataset && !file.empty() &&
        header.loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, 1024, ERM_autoDetect, stop).good())
        dataset = header.getDataset();
    OFString study, patient;
    if (dataset) {
        // At the top level; a procedure step has its study in Scheduled Step Attributes.
        if (dataset->findAndGetOFString(DCM_StudyInstanceUID, study).bad())
            dataset->findAndGetOFString(DCM_StudyInstanceUID, study, 0, OFTrue);
        dataset->findAndGetOFString(DCM_PatientID, patient);
    }
    Received& r = received_[study.c_str()];
    r.patientId = patient.c_str();
    ++r.sopClasses[sopClass];
}

// DICOM Instances Transferred (ATNA): one message per study received, from the peer to this service.
void StoreScp::recordTransfers() const {
    for (const auto& [study, r] : received_) {
        SecurityEvent e;
        e.id = codes::instancesTransferred();
        e.action = 'C';
        e.outcome = failed_ > 0 ? 4 : 0;
        if (failed_ > 0) e.outcomeDescription = std::to_string(failed_) + " object(s) of the association refused";
        EventParticipant source, destination;
        source.userId = callingAe_;
        source.requestor = true;
        source.role = codes::sourceRole();
        source.networkAddress = host_;
        destination.userId = calledAe_;
        destination.alternativeUserId = std::to_string(::getpid());
        destination.role = codes::destinationRole();
        destination.networkAddress = hostName();
        e.participants = {source, destination};
        e.objects = {studyObject(study, {r.sopClasses.begin(), r.sopClasses.end()}), patientObject(r.patientId)};
        recordSecurityEvent(e);
    }
}

// `partial` is flushed: make it visible in the spool, then answer.
OFCondition StoreScp::keepStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId,
                                const std::string& partial, std::unique_ptr<DcmDataset> dataset, std::size_t bytes) {
    const std::string name = context_.spool->committedName(partial, callingAe_);
    noteReceived(request.AffectedSOPClassUID, dataset.get(), partial);
    if (context_.offer && dataset) context_.offer(name, std::move(dataset), bytes);
    std::string spooled;
    try {
        spooled = context_.spool->commit(partial, callingAe_);
    } catch (const Error& e) {
        if (context_.withdraw) context_.withdraw(name);
        return refuseStore(request, presId, e.what());
    }
    ++stored_;
    context_.refusedInARow = 0;
    if (context_.onSpooled) context_.onSpooled(spooled, callingAe_);
    return sendSTOREResponse(presId, request, STATUS_Success);
}

OFCondition StoreScp::dropStore(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presId) {
    OFCondition cond;
    try {
        const std::string scratch = context_.spool->reserve();
        cond = receiveSTORERequest(request, presId, OFString(scratch.c_str()));
        context_.spool->discard(scratch);
    } catch (const Error&) { // no room even for a scratch file: take it into memory instead
        DcmDataset* dropped = nullptr;
        cond = receiveSTORERequest(request, presId, dropped);
        delete dropped;
    }
    if (cond.bad()) return cond;
    ++skipped_;
    return sendSTOREResponse(presId, request, STATUS_Success);
}

} // namespace fa::dicom
