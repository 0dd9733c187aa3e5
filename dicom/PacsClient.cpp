#include "dicom/PacsClient.h"

#include "core/Error.h"
#include "core/HostName.h"
#include "core/SecurityEvent.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcostrmb.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/dcmlayer.h"
#include "dcmtk/dcmnet/scu.h"

#include <cstdio>
#include <map>
#include <unistd.h>
#include <functional>
#include <memory>

namespace fa::dicom {

namespace {

// DcmSCU that hands objects received during a C-GET to a callback.
class Scu : public DcmSCU {
public:
    using DcmSCU::useSecureConnection;
    std::function<std::string(DcmDataset&)> onObject;
    std::vector<std::string> receiveErrors;

protected:
    OFCondition handleSTORERequest(const T_ASC_PresentationContextID, DcmDataset* incoming, OFBool& continueSession,
                                   Uint16& status) override {
        std::unique_ptr<DcmDataset> owned(incoming);
        continueSession = OFTrue;
        status = STATUS_Success;
        if (!owned || !onObject) {
            status = STATUS_STORE_Refused_OutOfResources;
            return EC_IllegalParameter;
        }
        const std::string why = onObject(*owned);
        if (!why.empty()) {
            receiveErrors.push_back(why);
            status = STATUS_STORE_Refused_OutOfResources;
        }
        return EC_Normal;
    }
};

// This service asking the PACS (ATNA participants of a query or retrieval).
std::vector<EventParticipant> usAndThePacs(const PacsAddress& pacs, bool weReceive) {
    EventParticipant us, them;
    us.userId = pacs.callingAeTitle;
    us.alternativeUserId = std::to_string(::getpid());
    us.requestor = true;
    us.networkAddress = hostName();
    them.userId = pacs.aeTitle;
    them.networkAddress = pacs.host;
    us.role = weReceive ? codes::destinationRole() : codes::sourceRole();
    them.role = weReceive ? codes::sourceRole() : codes::destinationRole();
    return {us, them};
}

// The query's keys as the bytes of a dataset (Explicit VR Little Endian), for ParticipantObjectQuery.
std::string bytesOf(DcmDataset& keys) {
    const Uint32 length = keys.calcElementLength(EXS_LittleEndianExplicit, EET_ExplicitLength);
    std::string bytes(length + 1024, '\0');
    DcmOutputBufferStream out(bytes.data(), bytes.size());
    keys.transferInit();
    keys.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
    keys.transferEnd();
    void* written = nullptr;
    offile_off_t size = 0;
    out.flushBuffer(written, size);
    bytes.resize(static_cast<std::size_t>(size));
    return bytes;
}

// Query (ATNA): every C-FIND of the nightly audit, answered or not.
void recordQuery(const PacsAddress& pacs, const char* sopClass, DcmDataset& keys, const std::string& failure) {
    if (!securityEventsRecorded()) return;
    SecurityEvent e;
    e.id = codes::query();
    e.outcome = failure.empty() ? 0 : 8;
    e.outcomeDescription = failure;
    e.participants = usAndThePacs(pacs, false);
    EventObject query;
    query.typeCode = 2;
    query.roleCode = 3;
    query.idType = codes::sopClassUid();
    query.id = sopClass;
    query.query = bytesOf(keys);
    e.objects = {query};
    recordSecurityEvent(e);
}

// DICOM Instances Transferred (ATNA) for a C-GET: from the PACS to this service.
void recordRetrieval(const PacsAddress& pacs, const std::string& studyUid, const std::string& patientId,
                     const std::map<std::string, int>& sopClasses, int failed) {
    if (!securityEventsRecorded() || sopClasses.empty()) return;
    SecurityEvent e;
    e.id = codes::instancesTransferred();
    e.action = 'C';
    e.outcome = failed > 0 ? 4 : 0;
    if (failed > 0) e.outcomeDescription = std::to_string(failed) + " object(s) not retrieved";
    e.participants = usAndThePacs(pacs, true);
    e.objects = {studyObject(studyUid, {sopClasses.begin(), sopClasses.end()}), patientObject(patientId)};
    recordSecurityEvent(e);
}

// One association for one request, with the PACS named in every error.
class Association {
public:
    // `storageClasses`: offered with this side as SCP, for the objects of a C-GET.
    Association(const PacsAddress& pacs, const char* sopClass, const std::vector<std::string>& storageClasses = {})
        : pacs_(pacs) {
        scu_.setAETitle(pacs.callingAeTitle.c_str());
        scu_.setPeerHostName(pacs.host.c_str());
        scu_.setPeerPort(pacs.port);
        scu_.setPeerAETitle(pacs.aeTitle.c_str());
        scu_.setACSETimeout(static_cast<Uint32>(pacs.timeout_s));
        scu_.setConnectionTimeout(pacs.timeout_s);
        scu_.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
        scu_.setDIMSETimeout(static_cast<Uint32>(pacs.timeout_s));
        OFList<OFString> syntaxes;
        syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
        syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
        scu_.addPresentationContext(sopClass, syntaxes);
        for (const auto& storage : storageClasses) scu_.addPresentationContext(storage.c_str(), syntaxes, ASC_SC_ROLE_SCP);
        if (pacs.tls) tls_ = makeTlsLayer(TlsRole::Requestor, *pacs.tls);
        OFCondition cond = scu_.initNetwork();
        if (cond.good() && tls_) cond = scu_.useSecureConnection(tls_.get()); // on the network initNetwork made
        if (cond.good()) cond = scu_.negotiateAssociation();
        if (cond.bad())
            throw Error("the PACS " + pacs.describe() + " did not accept an association from " + pacs.callingAeTitle +
                        ": " + cond.text() + " (check its AE title, host, port and that it knows " +
                        pacs.callingAeTitle + (pacs.tls ? ", and over TLS that its certificate is signed by [tls] "
                                                          "ca_file and ours by an authority it trusts" : std::string()) +
                        ")");
        presId_ = scu_.findPresentationContextID(sopClass, "");
        if (presId_ == 0)
            throw Error("the PACS " + pacs.describe() + " does not offer study-root query/retrieve (" + sopClass + ")");
    }
    ~Association() { scu_.releaseAssociation(); }

    std::vector<std::unique_ptr<DcmDataset>> find(DcmDataset& keys) {
        try {
            auto found = findOnce(keys);
            recordQuery(pacs_, UID_FINDStudyRootQueryRetrieveInformationModel, keys, "");
            return found;
        } catch (const Error& e) {
            recordQuery(pacs_, UID_FINDStudyRootQueryRetrieveInformationModel, keys, e.what());
            throw;
        }
    }

    std::vector<std::unique_ptr<DcmDataset>> findOnce(DcmDataset& keys) {
        OFList<QRResponse*> responses;
        const OFCondition cond = scu_.sendFINDRequest(presId_, &keys, &responses);
        std::vector<std::unique_ptr<DcmDataset>> out;
        Uint16 finalStatus = 0;
        for (QRResponse* r : responses) {
            if (r->m_dataset) out.emplace_back(new DcmDataset(*r->m_dataset));
            finalStatus = r->m_status;
            delete r;
        }
        if (cond.bad()) throw Error("C-FIND at " + pacs_.describe() + " failed: " + cond.text());
        if (finalStatus != STATUS_Success && finalStatus != STATUS_FIND_Pending_MatchesAreContinuing)
            throw Error("C-FIND at " + pacs_.describe() + " ended with status 0x" + hex(finalStatus));
        return out;
    }

    MoveResult move(DcmDataset& keys, const std::string& destination) {
        OFList<RetrieveResponse*> responses;
        const OFCondition cond = scu_.sendMOVERequest(presId_, destination.c_str(), &keys, &responses);
        MoveResult result;
        const Uint16 finalStatus = collect(responses, result);
        if (cond.bad()) throw Error("C-MOVE at " + pacs_.describe() + " failed: " + cond.text());
        if (finalStatus == 0xA801)
            throw Error("the PACS " + pacs_.describe() + " does not know the move destination " + destination +
                        " (add it to its list of modalities)");
        // Success, or "warning: some sub-operations failed" (0xB000), is for the counts to tell.
        if (finalStatus != STATUS_Success && finalStatus != 0xB000)
            throw Error("C-MOVE to " + destination + " at " + pacs_.describe() + " ended with status 0x" +
                        hex(finalStatus) + " (" + std::to_string(result.completed) + " sent, " +
                        std::to_string(result.failed) + " failed; is " + destination + " in its list of modalities?)");
        return result;
    }

    MoveResult get(DcmDataset& keys, const std::function<std::string(DcmDataset&)>& onObject) {
        scu_.onObject = onObject;
        OFList<RetrieveResponse*> responses;
        const OFCondition cond = scu_.sendCGETRequest(presId_, &keys, &responses);
        MoveResult result;
        const Uint16 finalStatus = collect(responses, result);
        result.errors = scu_.receiveErrors;
        if (cond.bad()) throw Error("C-GET at " + pacs_.describe() + " failed: " + cond.text());
        if (finalStatus != STATUS_Success && finalStatus != 0xB000)
            throw Error("C-GET at " + pacs_.describe() + " ended with status 0x" + hex(finalStatus) + " (" +
                        std::to_string(result.completed) + " received, " + std::to_string(result.failed) +
                        " failed; does the PACS allow C-GET from " + pacs_.callingAeTitle + "?)");
        return result;
    }

    // The counts of the last response into `result` (and the responses freed); its status.
    static Uint16 collect(OFList<RetrieveResponse*>& responses, MoveResult& result) {
        Uint16 finalStatus = 0;
        for (RetrieveResponse* r : responses) {
            result.completed = r->m_numberOfCompletedSubops;
            result.failed = r->m_numberOfFailedSubops;
            result.warnings = r->m_numberOfWarningSubops;
            finalStatus = r->m_status;
            delete r;
        }
        return finalStatus;
    }

    static std::string hex(Uint16 v) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04X", v);
        return buf;
    }

private:
    const PacsAddress& pacs_;
    std::unique_ptr<DcmTransportLayer> tls_; // outlives the association's network (scu_)
    Scu scu_;
    T_ASC_PresentationContextID presId_ = 0;
};

std::string valueOf(DcmDataset& ds, const DcmTagKey& tag) {
    OFString v;
    ds.findAndGetOFStringArray(tag, v);
    return v.c_str();
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size() && !s.empty()) {
        const auto end = s.find('\\', start);
        out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

} // namespace

std::string PacsAddress::describe() const {
    return aeTitle + "@" + host + ":" + std::to_string(port) + (tls ? " (TLS)" : "");
}

PacsClient::PacsClient(PacsAddress pacs) : pacs_(std::move(pacs)) {}

std::vector<StudyHit> PacsClient::findStudies(const std::string& fromDate, const std::string& toDate,
                                              const std::vector<std::string>& modalities) {
    Association a(pacs_, UID_FINDStudyRootQueryRetrieveInformationModel);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
    keys.putAndInsertString(DCM_StudyInstanceUID, "");
    keys.putAndInsertString(DCM_StudyDate, (fromDate + "-" + toDate).c_str());
    keys.putAndInsertString(DCM_StudyDescription, "");
    std::string wanted;
    for (const auto& m : modalities) wanted += (wanted.empty() ? "" : "\\") + m;
    keys.putAndInsertString(DCM_ModalitiesInStudy, wanted.c_str());
    std::vector<StudyHit> out;
    for (auto& ds : a.find(keys)) {
        StudyHit h{valueOf(*ds, DCM_StudyInstanceUID), valueOf(*ds, DCM_StudyDate), split(valueOf(*ds, DCM_ModalitiesInStudy)),
                   valueOf(*ds, DCM_StudyDescription)};
        if (!h.studyUid.empty()) out.push_back(std::move(h));
    }
    return out;
}

std::vector<SeriesHit> PacsClient::findSeries(const std::string& studyUid) {
    Association a(pacs_, UID_FINDStudyRootQueryRetrieveInformationModel);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "SERIES");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    keys.putAndInsertString(DCM_SeriesInstanceUID, "");
    keys.putAndInsertString(DCM_Modality, "");
    std::vector<SeriesHit> out;
    for (auto& ds : a.find(keys)) out.push_back({valueOf(*ds, DCM_SeriesInstanceUID), valueOf(*ds, DCM_Modality)});
    return out;
}

std::vector<InstanceHit> PacsClient::findInstances(const std::string& studyUid, const std::string& seriesUid) {
    Association a(pacs_, UID_FINDStudyRootQueryRetrieveInformationModel);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
    keys.putAndInsertString(DCM_SOPInstanceUID, "");
    keys.putAndInsertString(DCM_SOPClassUID, "");
    std::vector<InstanceHit> out;
    for (auto& ds : a.find(keys)) out.push_back({valueOf(*ds, DCM_SOPInstanceUID), valueOf(*ds, DCM_SOPClassUID)});
    return out;
}

MoveResult PacsClient::moveSeries(const std::string& studyUid, const std::string& seriesUid,
                                  const std::string& destinationAe) {
    Association a(pacs_, UID_MOVEStudyRootQueryRetrieveInformationModel);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "SERIES");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
    return a.move(keys, destinationAe);
}

MoveResult PacsClient::get(const std::string& studyUid, const std::string& seriesUid, const std::string& sopInstanceUid,
                           const std::vector<std::string>& sopClasses,
                           const std::function<std::string(DcmDataset&)>& onObject) {
    Association a(pacs_, UID_GETStudyRootQueryRetrieveInformationModel, sopClasses);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, sopInstanceUid.empty() ? "SERIES" : "IMAGE");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
    if (!sopInstanceUid.empty()) keys.putAndInsertString(DCM_SOPInstanceUID, sopInstanceUid.c_str());
    std::map<std::string, int> received;
    std::string patientId;
    const MoveResult result = a.get(keys, [&](DcmDataset& object) {
        const std::string why = onObject(object);
        if (why.empty()) {
            ++received[valueOf(object, DCM_SOPClassUID)];
            patientId = valueOf(object, DCM_PatientID);
        }
        return why;
    });
    recordRetrieval(pacs_, studyUid, patientId, received, result.failed);
    return result;
}

MoveResult PacsClient::moveInstance(const std::string& studyUid, const std::string& seriesUid,
                                    const std::string& sopInstanceUid, const std::string& destinationAe) {
    Association a(pacs_, UID_MOVEStudyRootQueryRetrieveInformationModel);
    DcmDataset keys;
    keys.putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
    keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
    keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());
    keys.putAndInsertString(DCM_SOPInstanceUID, sopInstanceUid.c_str());
    return a.move(keys, destinationAe);
}

} // namespace fa::dicom
