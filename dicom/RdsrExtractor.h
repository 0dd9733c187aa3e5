// TID 10001 Projection X-Ray Radiation Dose report: one PlaneTotals per Accumulated X-Ray Dose
// container (TID 10002), one IrradiationEvent per Irradiation Event X-Ray Data container (TID 10003).
#pragma once

#include "core/DoseObject.h"
#include "dicom/SrItem.h"
#include "dicom/TextDecoder.h"

#include <optional>

namespace fa::dicom {

// The X-Ray Radiation Dose Report container (113701): the document root, or a container nested in
// an Enhanced / Comprehensive SR. nullopt when the document holds none.
std::optional<SrItem> findDoseReportRoot(const SrItem& documentRoot);

// Fills out.planes, out.events and the device observer fields of out.device from `report`.
void extractRdsr(const SrItem& report, TextDecoder& text, DoseObject& out, WarningList& warnings);
// The same for one child of the report container (what extractRdsr does for each, in order).
void extractRdsrItem(const SrItem& item, TextDecoder& text, DoseObject& out, WarningList& warnings);

} // namespace fa::dicom
