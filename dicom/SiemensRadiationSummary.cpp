#include "dicom/SiemensRadiationSummary.h"

#include "dicom/Measurement.h"

namespace fa::dicom {

using units::Quantity;

bool isSiemensRadiationSummary(const SrItem& documentRoot) {
    return documentRoot.is(codes::SiemensRadiationSummaryReport);
}

void extractSiemensRadiationSummary(const SrItem& documentRoot, DoseObject& out, WarningList& warnings) {
    VendorTotals t;
    for (const SrItem& item : documentRoot.children()) {
        if (item.is(codes::SiemensTotalExposures))
            t.exposures = readMeasurement(item, Quantity::Count, "1", "Total number of exposures", warnings);
        else if (item.is(codes::SiemensCumulativeFluoroTime))
            t.fluoroTime_s = readMeasurement(item, Quantity::Time, "s", "Cumulative fluoro time", warnings);
        else if (item.is(codes::SiemensCumulativeDap))
            t.dap_Gym2 = readMeasurement(item, Quantity::DoseAreaProduct, "Gy.m2", "Cumulative dose area product", warnings);
        else if (item.is(codes::SiemensCumulativeAirKerma))
            // Empty with the qualifier "Measurement not attempted" when the C-arm has no dosimeter.
            t.doseRp_Gy = readMeasurement(item, Quantity::Dose, "Gy", "Cumulative air kerma", warnings);
    }
    out.vendor = t;
}

} // namespace fa::dicom
