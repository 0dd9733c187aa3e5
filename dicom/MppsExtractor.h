// A completed Modality Performed Procedure Step with the (retired, still sent) Radiation Dose
// module: Total Time of Fluoroscopy (0040,0300), Total Number of Exposures (0040,0301), Image
// and Fluoroscopy Area Dose Product (0018,115E, dGy·cm²), Entrance Dose in mGy (0040,8302), and
// one Exposure Dose Sequence (0040,030E) item per exposure. The study is that of the first
// Scheduled Step Attributes item; its date the step's start.
#pragma once

#include "core/DoseObject.h"
#include "core/Warning.h"

#include <string>

class DcmItem;

namespace fa::dicom {

class ContentItems;

// Fills `out` (kind Mpps); returns "" or why the step is no dose source (not completed, or no
// Radiation Dose module). With `exposures`, the Exposure Dose Sequence is read from there a batch of
// items at a time (`dataset` is then the step without it).
std::string extractMpps(DcmItem& dataset, DoseObject& out, WarningList& warnings, ContentItems* exposures = nullptr);

} // namespace fa::dicom
