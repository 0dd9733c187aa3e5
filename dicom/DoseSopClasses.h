// The one list of SOP classes that can carry dose content, and what each is: the listener keeps
// exactly these, extraction reads them, reconciliation queries and retrieves them.
#pragma once

#include <string>
#include <vector>

namespace fa::dicom {

enum class DoseRole {
    DoseReport, // an SR that holds (or may hold) TID 10001: X-Ray Radiation Dose SR and the SR containers
    XrayImage,  // XA, Enhanced XA, RF, Enhanced XRF: image headers
    ScreenCapture, // Secondary Capture: a C-arm's dose screen, read when it carries device totals
};

struct DoseSopClass {
    std::string uid;
    DoseRole role;
};

const std::vector<DoseSopClass>& doseSopClasses();

// Any class of the list: an object of another class is answered and dropped.
bool mayCarryDose(const std::string& sopClassUid);
bool isDoseReportSopClass(const std::string& sopClassUid);
bool isXrayImageSopClass(const std::string& sopClassUid);
bool isScreenCaptureSopClass(const std::string& sopClassUid);
// Every UID of the list (what a C-GET negotiates).
std::vector<std::string> doseSopClassUids();

} // namespace fa::dicom
