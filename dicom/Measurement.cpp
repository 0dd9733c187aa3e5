#include "dicom/Measurement.h"

#include <string>

namespace fa::dicom {

std::optional<double> readMeasurement(const SrItem& item, units::Quantity quantity, std::string_view standardUnit,
                                      const char* what, WarningList& warnings) {
    const SrItem::Num n = item.num();
    if (n.invalid) {
        warnings.add("value-invalid", std::string(what) + " '" + std::string(n.written) + "' is not a number; not used");
        return std::nullopt;
    }
    if (!n.value) return std::nullopt;
    const auto factor = units::factorToStored(quantity, n.unit.value);
    if (!factor) {
        warnings.add("unit-unknown", std::string(what) + " written in unknown unit '" + std::string(n.unit.value) +
                                         "'; value not used");
        return std::nullopt;
    }
    const auto standard = units::factorToStored(quantity, standardUnit);
    if (standard && *factor != *standard)
        warnings.add("unit-converted", std::string(units::quantityName(quantity)) + " values written in " +
                                           std::string(n.unit.value) + " instead of " + std::string(standardUnit) +
                                           "; converted");
    return *n.value * *factor;
}

} // namespace fa::dicom
