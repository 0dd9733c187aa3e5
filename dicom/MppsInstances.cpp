#include "dicom/MppsInstances.h"

#include "dicom/Spool.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace fa::dicom {

namespace {

std::string statusOf(const DcmItem& ds) {
    OFString v;
    return const_cast<DcmItem&>(ds).findAndGetOFString(DCM_PerformedProcedureStepStatus, v).good() ? v.c_str() : "";
}

bool validUid(const std::string& uid) {
    if (uid.empty() || uid.size() > 64) return false;
    for (char c : uid)
        if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
    return true;
}

MppsOutcome failure(Uint16 status, std::string why) {
    MppsOutcome o;
    o.status = status;
    o.why = std::move(why);
    return o;
}

} // namespace

MppsInstances::MppsInstances(std::string folder) : folder_(std::move(folder)) {
    std::error_code ec;
    fs::create_directories(folder_, ec);
}

std::string MppsInstances::pathOf(const std::string& uid) const { return folder_ + "/" + uid + ".dcm"; }

bool MppsInstances::keep(const std::string& uid, DcmDataset& step, std::string& why) const {
    const std::string partial = pathOf(uid) + ".partial";
    DcmFileFormat file(&step);
    const OFCondition cond = file.saveFile(partial.c_str(), EXS_LittleEndianExplicit);
    std::error_code ec;
    if (cond.bad() || !syncPath(partial)) {
        why = "cannot write " + partial + (cond.bad() ? std::string(": ") + cond.text() : std::string());
        fs::remove(partial, ec);
        return false;
    }
    fs::rename(partial, pathOf(uid), ec);
    if (ec || !syncPath(folder_)) {
        why = "cannot keep " + pathOf(uid) + (ec ? ": " + ec.message() : std::string());
        fs::remove(partial, ec);
        return false;
    }
    return true;
}

MppsOutcome MppsInstances::create(const std::string& uid, const DcmDataset& attributes) {
    if (!validUid(uid)) return failure(kMppsInvalidAttributeValue, "'" + uid + "' is not a SOP Instance UID");
    const std::string status = statusOf(attributes);
    if (status.empty()) return failure(kMppsMissingAttribute, "no Performed Procedure Step Status (0040,0252)");
    if (status != "IN PROGRESS")
        return failure(kMppsInvalidAttributeValue, "a step is created IN PROGRESS, not " + status);
    DcmItem* scheduled = nullptr;
    OFString study;
    if (const_cast<DcmDataset&>(attributes).findAndGetSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, 0).bad() ||
        !scheduled || scheduled->findAndGetOFString(DCM_StudyInstanceUID, study).bad() || study.empty())
        return failure(kMppsMissingAttribute,
                       "no Study Instance UID in the Scheduled Step Attributes Sequence (0040,0270)");
    std::lock_guard<std::mutex> lock(mutex_);
    std::error_code ec;
    if (fs::exists(pathOf(uid), ec)) return failure(kMppsDuplicateInstance, "step " + uid + " exists already");
    DcmDataset step(attributes);
    step.putAndInsertString(DCM_SOPClassUID, UID_ModalityPerformedProcedureStepSOPClass);
    step.putAndInsertString(DCM_SOPInstanceUID, uid.c_str());
    std::string why;
    if (!keep(uid, step, why)) return failure(kMppsProcessingFailure, why);
    return {};
}

MppsOutcome MppsInstances::set(const std::string& uid, const DcmDataset& modifications) {
    std::lock_guard<std::mutex> lock(mutex_);
    DcmFileFormat file;
    std::error_code ec;
    if (!validUid(uid) || !fs::exists(pathOf(uid), ec)) return failure(kMppsNoSuchInstance, "no step " + uid);
    if (file.loadFile(pathOf(uid).c_str()).bad()) return failure(kMppsProcessingFailure, "cannot read " + pathOf(uid));
    DcmDataset& step = *file.getDataset();
    const std::string before = statusOf(step);
    if (before != "IN PROGRESS")
        return failure(kMppsNoLongerUpdatable, "step " + uid + " is " + before + " and may no longer be updated");
    const std::string after = statusOf(modifications);
    if (!after.empty() && after != "IN PROGRESS" && after != "COMPLETED" && after != "DISCONTINUED")
        return failure(kMppsInvalidAttributeValue, "'" + after + "' is no Performed Procedure Step Status");
    // The modification list replaces the step's attributes of the same tags.
    DcmDataset& changes = const_cast<DcmDataset&>(modifications);
    for (unsigned long i = 0; i < changes.card(); ++i) {
        DcmElement* element = changes.getElement(i);
        if (element->getTag() == DCM_SOPClassUID || element->getTag() == DCM_SOPInstanceUID) continue;
        step.insert(static_cast<DcmElement*>(element->clone()), OFTrue);
    }
    std::string why;
    if (!keep(uid, step, why)) return failure(kMppsProcessingFailure, why);
    MppsOutcome o;
    if (after == "COMPLETED") o.completed = std::make_unique<DcmDataset>(step);
    return o;
}

} // namespace fa::dicom
