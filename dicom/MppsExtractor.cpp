#include "dicom/MppsExtractor.h"

#include "dicom/ContentItems.h"
#include "dicom/DicomDateTime.h"
#include "dicom/SrItem.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcitem.h"
#include "dcmtk/dcmdata/dcsequen.h"

namespace fa::dicom {

namespace {

std::string text(DcmItem& ds, const DcmTagKey& tag) {
    const char* v = nullptr;
    return ds.findAndGetString(tag, v).good() && v ? std::string(trimmed(v)) : std::string();
}

// A numeric attribute of any VR (DS, IS, US for Total Number of Exposures, ...).
std::optional<double> number(DcmItem& ds, const DcmTagKey& tag, WarningList& w) {
    OFString value;
    if (ds.findAndGetOFString(tag, value).bad()) return std::nullopt;
    const std::string s(trimmed(value.c_str()));
    if (s.empty()) return std::nullopt;
    auto v = parseDecimal(s);
    if (!v) w.add("value-invalid", fa::text("warn.attributeNotNumber", {{"name", DcmTag(tag).getTagName()}, {"value", s}}));
    return v;
}

IrradiationEvent exposureOf(DcmItem& item, WarningList& w) {
    IrradiationEvent e;
    e.type = EventType::Unknown;
    e.kvp_kV = number(item, DCM_KVP, w);
    if (auto uA = number(item, DCM_XRayTubeCurrentInuA, w)) e.tubeCurrent_mA = *uA * 1e-3;
    if (auto ms = number(item, DCM_ExposureTime, w)) e.exposureTime_s = *ms * 1e-3;
    e.protocol = text(item, DCM_RadiationMode);
    return e;
}

} // namespace

std::string extractMpps(DcmItem& ds, DoseObject& out, WarningList& w, ContentItems* exposures) {
    out.kind = SourceKind::Mpps;
    const std::string status = text(ds, DCM_PerformedProcedureStepStatus);
    if (status != "COMPLETED") return "procedure step " + (status.empty() ? std::string("without status") : status) + ", not completed";
    DcmItem* scheduled = nullptr;
    if (out.study.studyUid.empty() && ds.findAndGetSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, 0).good() &&
        scheduled) {
        out.study.studyUid = text(*scheduled, DCM_StudyInstanceUID);
        if (out.study.accessionNumber.empty()) out.study.accessionNumber = text(*scheduled, DCM_AccessionNumber);
        if (out.study.requestedProcedure.empty())
            out.study.requestedProcedure = text(*scheduled, DCM_RequestedProcedureDescription);
    }
    if (out.study.studyDate.empty()) out.study.studyDate = isoDate(text(ds, DCM_PerformedProcedureStepStartDate));
    if (out.study.studyTime.empty()) out.study.studyTime = isoTime(text(ds, DCM_PerformedProcedureStepStartTime));
    if (out.device.station.empty()) out.device.station = text(ds, DCM_PerformedStationName);
    if (out.device.station.empty()) out.device.station = text(ds, DCM_PerformedStationAETitle);

    VendorTotals t;
    t.fluoroTime_s = number(ds, DCM_RETIRED_TotalTimeOfFluoroscopy, w);
    t.exposures = number(ds, DCM_RETIRED_TotalNumberOfExposures, w);
    if (auto dap = number(ds, DCM_ImageAndFluoroscopyAreaDoseProduct, w)) t.dap_Gym2 = *dap * 1e-5; // dGy·cm²
    if (auto entrance = number(ds, DCM_EntranceDoseInmGy, w)) t.doseRp_Gy = *entrance * 1e-3;
    DcmSequenceOfItems* sequence = nullptr;
    if (exposures) {
        out.events.reserve(exposures->count());
        for (std::size_t i = 0; i < exposures->count(); ++i) out.events.push_back(exposureOf(exposures->item(i), w));
    } else if (ds.findAndGetSequence(DCM_RETIRED_ExposureDoseSequence, sequence).good() && sequence) {
        for (unsigned long i = 0; i < sequence->card(); ++i) out.events.push_back(exposureOf(*sequence->getItem(i), w));
    }
    if (!t.fluoroTime_s && !t.exposures && !t.dap_Gym2 && !t.doseRp_Gy && out.events.empty())
        return "completed procedure step without the Radiation Dose module";
    if (!t.exposures && !out.events.empty()) t.exposures = static_cast<double>(out.events.size());
    out.vendor = t;
    return {};
}

} // namespace fa::dicom
