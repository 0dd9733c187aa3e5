// Reads a NUM content item in the unit fluoroaudit stores, recording what had to be converted.
#pragma once

#include "core/Units.h"
#include "core/Warning.h"
#include "dicom/SrItem.h"

#include <optional>
#include <string_view>

namespace fa::dicom {

// `standardUnit` is the unit the template prescribes for the concept (e.g. "ms" for Exposure
// Time); a value in another unit is converted and a "unit-converted" warning recorded. An unknown
// unit or a value that is not a number gives nullopt and a warning; an empty value gives nullopt.
std::optional<double> readMeasurement(const SrItem& item, units::Quantity quantity, std::string_view standardUnit,
                                      const char* what, WarningList& warnings);

} // namespace fa::dicom
