// DCMTK logs to the console by default; fluoroaudit reports problems itself, with file and reason.
#pragma once

namespace fa::dicom {

// Only DCMTK's fatal messages reach the console.
void quietDcmtkLog();

} // namespace fa::dicom
