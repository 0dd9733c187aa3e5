// Siemens ARCADIS "Radiation Summary Report": an Enhanced/Comprehensive SR with private codes
// (scheme 99SMS_RADSUM, root C-10) sent instead of an RDSR. Shown by RF-ESR-Siemens-Varic.dcm.
#pragma once

#include "core/DoseObject.h"
#include "dicom/SrItem.h"

namespace fa::dicom {

bool isSiemensRadiationSummary(const SrItem& documentRoot);
void extractSiemensRadiationSummary(const SrItem& documentRoot, DoseObject& out, WarningList& warnings);

} // namespace fa::dicom
