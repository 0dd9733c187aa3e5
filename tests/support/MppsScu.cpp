#include "tests/support/MppsScu.h"

#include "dcmtk/dcmdata/dcdatset.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcostrmb.h"
#include "dcmtk/dcmnet/dul.h"

#include <fstream>
#include <iterator>
#include <vector>
#include <stdexcept>

namespace fa::test {

namespace {

// The command of an N-CREATE or N-SET request encoded as DIMSE does (implicit VR little endian,
// with its group length), so that the dataset after it can be sent as bytes.
std::vector<Uint8> commandBytes(const T_DIMSE_Message& m) {
    DcmDataset command;
    const bool create = m.CommandField == DIMSE_N_CREATE_RQ;
    const auto& c = m.msg.NCreateRQ;
    const auto& s = m.msg.NSetRQ;
    command.putAndInsertString(create ? DCM_AffectedSOPClassUID : DCM_RequestedSOPClassUID,
                               create ? c.AffectedSOPClassUID : s.RequestedSOPClassUID);
    command.putAndInsertUint16(DCM_CommandField, create ? 0x0140 : 0x0120);
    command.putAndInsertUint16(DCM_MessageID, create ? c.MessageID : s.MessageID);
    command.putAndInsertUint16(DCM_CommandDataSetType, 0x0000); // a dataset follows
    command.putAndInsertString(create ? DCM_AffectedSOPInstanceUID : DCM_RequestedSOPInstanceUID,
                               create ? c.AffectedSOPInstanceUID : s.RequestedSOPInstanceUID);
    std::vector<Uint8> out(4096);
    DcmOutputBufferStream stream(out.data(), out.size());
    command.transferInit();
    command.write(stream, EXS_LittleEndianImplicit, EET_ExplicitLength, nullptr, EGL_recalcGL);
    command.transferEnd();
    void* written = nullptr;
    offile_off_t length = 0;
    stream.flushBuffer(written, length);
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// A Part 10 file's dataset: what follows its meta information.
std::vector<Uint8> datasetOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<Uint8> bytes{std::istreambuf_iterator<char>(in), {}};
    if (bytes.size() < 144) throw std::runtime_error(path + " is no Part 10 file");
    const std::size_t group = bytes[140] | bytes[141] << 8 | bytes[142] << 16 | std::size_t(bytes[143]) << 24;
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<long>(std::min(bytes.size(), 144 + group)));
    return bytes;
}

} // namespace

MppsScu::MppsScu(int port, const std::string& abstractSyntax, const std::string& transferSyntax) {
    T_ASC_Parameters* params = nullptr;
    const std::string peer = "127.0.0.1:" + std::to_string(port);
    const char* syntaxes[] = {transferSyntax.c_str()};
    if (ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &network_).bad() ||
        ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU).bad())
        throw std::runtime_error("cannot set up DICOM networking");
    ASC_setAPTitles(params, "CARM1", "FLUOROAUDIT", nullptr);
    ASC_setPresentationAddresses(params, "localhost", peer.c_str());
    ASC_addPresentationContext(params, context_, abstractSyntax.c_str(), syntaxes, 1);
    const OFCondition cond = ASC_requestAssociation(network_, params, &association_);
    if (cond.bad() || ASC_countAcceptedPresentationContexts(association_->params) != 1) {
        if (association_) {
            ASC_abortAssociation(association_);
            ASC_destroyAssociation(&association_);
        } else {
            ASC_destroyAssociationParameters(&params);
        }
        ASC_dropNetwork(&network_);
        throw std::runtime_error("no association for " + abstractSyntax + " with " + peer + ": " + cond.text());
    }
}

MppsScu::~MppsScu() {
    if (association_) {
        if (ASC_releaseAssociation(association_).bad()) ASC_abortAssociation(association_);
        ASC_destroyAssociation(&association_);
    }
    if (network_) ASC_dropNetwork(&network_);
}

Uint16 MppsScu::create(const std::string& uid, const Payload& payload, int timeout_s) {
    T_DIMSE_Message request{};
    request.CommandField = DIMSE_N_CREATE_RQ;
    T_DIMSE_N_CreateRQ& r = request.msg.NCreateRQ;
    r.MessageID = ++messageId_;
    OFStandard::strlcpy(r.AffectedSOPClassUID, payload.sopClass.c_str(), sizeof r.AffectedSOPClassUID);
    OFStandard::strlcpy(r.AffectedSOPInstanceUID, uid.c_str(), sizeof r.AffectedSOPInstanceUID);
    r.DataSetType = payload.dataset || !payload.file.empty() ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
    r.opts = O_NCREATE_AFFECTEDSOPINSTANCEUID;
    return exchange(request, payload, DIMSE_N_CREATE_RSP, timeout_s);
}

Uint16 MppsScu::set(const std::string& uid, const Payload& payload, int timeout_s) {
    T_DIMSE_Message request{};
    request.CommandField = DIMSE_N_SET_RQ;
    T_DIMSE_N_SetRQ& r = request.msg.NSetRQ;
    r.MessageID = ++messageId_;
    OFStandard::strlcpy(r.RequestedSOPClassUID, payload.sopClass.c_str(), sizeof r.RequestedSOPClassUID);
    OFStandard::strlcpy(r.RequestedSOPInstanceUID, uid.c_str(), sizeof r.RequestedSOPInstanceUID);
    r.DataSetType = payload.dataset || !payload.file.empty() ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
    return exchange(request, payload, DIMSE_N_SET_RSP, timeout_s);
}

// DCMTK would read the file to send it (recursively, and in time that grows with the square of its
// depth): the command and the dataset go out as PDVs of bytes instead.
OFCondition MppsScu::sendAsBytes(const T_DIMSE_Message& request, std::vector<Uint8> dataset) {
    std::vector<Uint8> command = commandBytes(request);
    DUL_PDV pdv{static_cast<unsigned long>(command.size()), context_, DUL_COMMANDPDV, OFTrue, command.data()};
    DUL_PDVLIST list{1, nullptr, 0, {}, &pdv};
    if (OFCondition cond = DUL_WritePDVs(&association_->DULassociation, &list); cond.bad()) return cond;
    const std::size_t most = association_->sendPDVLength;
    for (std::size_t at = 0; at < dataset.size(); at += most) {
        const std::size_t length = std::min(most, dataset.size() - at);
        DUL_PDV data{static_cast<unsigned long>(length), context_, DUL_DATASETPDV, at + length == dataset.size() ? OFTrue : OFFalse,
                     dataset.data() + at};
        DUL_PDVLIST one{1, nullptr, 0, {}, &data};
        if (OFCondition cond = DUL_WritePDVs(&association_->DULassociation, &one); cond.bad()) return cond;
    }
    return EC_Normal;
}

Uint16 MppsScu::exchange(T_DIMSE_Message& request, const Payload& payload, T_DIMSE_Command expected, int timeout_s) {
    const OFCondition sent = payload.file.empty()
        ? DIMSE_sendMessageUsingMemoryData(association_, context_, &request, nullptr, payload.dataset, nullptr, nullptr)
        : sendAsBytes(request, datasetOf(payload.file));
    if (sent.bad()) return 0xFFFF;
    T_DIMSE_Message response{};
    T_ASC_PresentationContextID answered = 0;
    DcmDataset* detail = nullptr;
    const OFCondition cond = DIMSE_receiveCommand(association_, DIMSE_NONBLOCKING, timeout_s, &answered, &response, &detail);
    delete detail;
    if (cond.bad() || response.CommandField != expected) return 0xFFFF;
    return expected == DIMSE_N_CREATE_RSP ? response.msg.NCreateRSP.DimseStatus : response.msg.NSetRSP.DimseStatus;
}

} // namespace fa::test
