#include "dicom/DoseSopClasses.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>

namespace fa::dicom {

const std::vector<DoseSopClass>& doseSopClasses() {
    static const std::vector<DoseSopClass> list{
        {UID_XRayRadiationDoseSRStorage, DoseRole::DoseReport},
        {UID_EnhancedXRayRadiationDoseSRStorage, DoseRole::DoseReport},
        // Vendors and archives that do not know the dose SR classes send the same content in these.
        {UID_EnhancedSRStorage, DoseRole::DoseReport},
        {UID_ComprehensiveSRStorage, DoseRole::DoseReport},
        {UID_Comprehensive3DSRStorage, DoseRole::DoseReport},
        {UID_ExtensibleSRStorage, DoseRole::DoseReport},
        {UID_XRayAngiographicImageStorage, DoseRole::XrayImage},
        {UID_EnhancedXAImageStorage, DoseRole::XrayImage},
        {UID_XRayRadiofluoroscopicImageStorage, DoseRole::XrayImage},
        {UID_EnhancedXRFImageStorage, DoseRole::XrayImage},
        // A C-arm's dose screen (GE's, with the study's running totals in its private group).
        {UID_SecondaryCaptureImageStorage, DoseRole::ScreenCapture},
    };
    return list;
}

namespace {
const DoseSopClass* find(const std::string& uid) {
    const auto& list = doseSopClasses();
    const auto it = std::find_if(list.begin(), list.end(), [&](const DoseSopClass& c) { return c.uid == uid; });
    return it == list.end() ? nullptr : &*it;
}
} // namespace

bool mayCarryDose(const std::string& uid) { return find(uid) != nullptr; }

bool isDoseReportSopClass(const std::string& uid) {
    const auto* c = find(uid);
    return c && c->role == DoseRole::DoseReport;
}

bool isScreenCaptureSopClass(const std::string& uid) {
    const auto* c = find(uid);
    return c && c->role == DoseRole::ScreenCapture;
}

bool isXrayImageSopClass(const std::string& uid) {
    const auto* c = find(uid);
    return c && c->role == DoseRole::XrayImage;
}

std::vector<std::string> doseSopClassUids() {
    std::vector<std::string> out;
    for (const auto& c : doseSopClasses()) out.push_back(c.uid);
    return out;
}

} // namespace fa::dicom
