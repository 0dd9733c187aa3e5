#include "dicom/ImageHeaderExtractor.h"

#include "dicom/DicomDateTime.h"
#include "dicom/SrItem.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcitem.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <string>

namespace fa::dicom {

namespace {

// A numeric attribute of any VR (DS, IS, US, FD, ...); empty, absent or unparseable gives nullopt.
std::optional<double> number(DcmItem& ds, const DcmTagKey& tag, bool searchNested, WarningList& w) {
    OFString value;
    if (ds.findAndGetOFString(tag, value, 0, searchNested).bad()) return std::nullopt;
    const std::string_view s = trimmed(value.c_str());
    if (s.empty()) return std::nullopt;
    auto v = parseDecimal(s);
    if (!v) w.add("value-invalid",
                 fa::text("warn.attributeNotNumber", {{"name", DcmTag(tag).getTagName()}, {"value", std::string(s)}}));
    return v;
}

std::optional<double> float64(DcmItem& ds, const DcmTagKey& tag) {
    Float64 v = 0;
    if (ds.findAndGetFloat64(tag, v, 0, OFTrue).good()) return v;
    return std::nullopt;
}

} // namespace


void extractImageHeader(DcmItem& ds, DoseObject& out, WarningList& w) {
    IrradiationEvent e;
    e.uid = out.sopInstanceUid;
    e.type = EventType::Unknown;
    const bool enhanced = out.sopClassUid == UID_EnhancedXAImageStorage || out.sopClassUid == UID_EnhancedXRFImageStorage;

    const auto frames = number(ds, DCM_NumberOfFrames, false, w);
    const auto frameTime_ms = number(ds, DCM_FrameTime, enhanced, w);
    auto exposure_ms = number(ds, DCM_ExposureTime, enhanced, w);
    if (!exposure_ms && enhanced) exposure_ms = float64(ds, DCM_ExposureTimeInms);
    if (exposure_ms) e.exposureTime_s = *exposure_ms * 1e-3;
    e.frames = frames ? frames : std::optional<double>(1.0);
    if (frames && *frames > 1 && frameTime_ms)
        e.irradiationDuration_s = *frames * *frameTime_ms * 1e-3;
    else if (!frames || *frames <= 1)
        e.irradiationDuration_s = e.exposureTime_s;

    // Image and Fluoroscopy Area Dose Product is in dGy.cm2.
    if (auto dap = number(ds, DCM_ImageAndFluoroscopyAreaDoseProduct, false, w)) e.dap_Gym2 = *dap * 1e-5;
    e.kvp_kV = number(ds, DCM_KVP, enhanced, w);
    e.tubeCurrent_mA = number(ds, DCM_XRayTubeCurrent, enhanced, w);
    if (!e.tubeCurrent_mA && enhanced) e.tubeCurrent_mA = float64(ds, DCM_XRayTubeCurrentInmA);
    const auto angle1 = number(ds, DCM_PositionerPrimaryAngle, enhanced, w);
    const auto angle2 = number(ds, DCM_PositionerSecondaryAngle, enhanced, w);
    e.primaryAngle_deg = angle1;
    e.secondaryAngle_deg = angle2;
    const char* p = nullptr;
    if (ds.findAndGetString(DCM_AcquisitionDateTime, p).good() && p) {
        e.startedAt = isoDateTime(trimmed(p));
    } else {
        const char* date = nullptr;
        const char* time = nullptr;
        if (ds.findAndGetString(DCM_AcquisitionDate, date).good() && date &&
            ds.findAndGetString(DCM_AcquisitionTime, time).good() && time)
            e.startedAt = isoDateTime(std::string(trimmed(date)) + std::string(trimmed(time)));
    }

    out.headerFluoroTime_s = number(ds, DCM_RETIRED_TotalTimeOfFluoroscopy, false, w);
    out.headerExposures = number(ds, DCM_RETIRED_TotalNumberOfExposures, false, w);
    if (!e.irradiationDuration_s)
        w.add("image-time-missing",
              fa::text(frames && *frames > 1 ? "warn.cineWithoutFrameTime" : "warn.imageWithoutExposureTime"));
    out.events.push_back(std::move(e));
}

} // namespace fa::dicom
