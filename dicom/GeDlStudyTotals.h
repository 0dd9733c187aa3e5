// GE's DL angiography platform (Innova, IGS) without an RDSR: every XA/RF image, and the "dose
// map" Secondary Capture at the end, carries the study's running totals in private group 0015
// under the creator GEMS_DL_STUDY_01 (block xx, not always 0x10): (0015,xx80) Ka,r in mGy,
// (0015,xx81) study DAP, (0015,xx82) fluoroscopy DAP, (0015,xx83) fluoroscopy time in s,
// (0015,xx84) record (acquisition) DAP, (0015,xx85) record time in s; the DAPs in cGy·cm²
// (their increments are exactly 10x the image's own (0018,115E) in dGy·cm²).
// Shown by the synthetic GE images of tests/dicom/GeDlStudyTotalsTest.cpp.
#pragma once

#include "core/DoseObject.h"
#include "core/Warning.h"

class DcmItem;

namespace fa::dicom {

// Reads the totals into out.runningTotals; false when the object carries none.
bool readGeDlStudyTotals(DcmItem& dataset, DoseObject& out, WarningList& warnings);

} // namespace fa::dicom
