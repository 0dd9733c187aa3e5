// XA, RF, Enhanced XA and Enhanced XRF image headers of C-arms that send no dose report: each
// image is one shot; a multi-frame cine is one run lasting NumberOfFrames x FrameTime.
// Empty attributes are unknown, never 0. Pixel data is never read.
#pragma once

#include "core/DoseObject.h"

class DcmItem;

namespace fa::dicom {

void extractImageHeader(DcmItem& dataset, DoseObject& out, WarningList& warnings);

} // namespace fa::dicom
