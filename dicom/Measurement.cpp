#include "dicom/Measurement.h"

#include <string>

namespace fa::dicom {

std::optional<double> readMeasurement(const SrItem& item, units::Quantity quantity, std::string_view standardUnit,
                                      const char* what, WarningList& warnings) {
    const SrItem::Num n = item.num();
    if (n.invalid) {
        warnings.add("value-invalid", fa::text("warn.notNumber", {{"what", term(std::string("field.") + what)},
                                                              {"value", std::string(n.written)}}));
        return std::nullopt;
    }
    if (!n.value) return std::nullopt;
    const auto factor = units::factorToStored(quantity, n.unit.value);
    if (!factor) {
        warnings.add("unit-unknown", fa::text("warn.unitUnknown", {{"what", term(std::string("field.") + what)},
                                                               {"unit", std::string(n.unit.value)}}));
        return std::nullopt;
    }
    const auto standard = units::factorToStored(quantity, standardUnit);
    if (standard && *factor != *standard)
        warnings.add("unit-converted",
                     fa::text("warn.unitConverted", {{"quantity", term(std::string("quantity.") + units::quantityName(quantity))},
                                                 {"unit", std::string(n.unit.value)},
                                                 {"standard", std::string(standardUnit)}}));
    return *n.value * *factor;
}

} // namespace fa::dicom
