// DICOM DA / TM / DT values as ISO 8601 text.
#pragma once

#include <string>
#include <string_view>

namespace fa::dicom {

std::string isoDate(std::string_view da);     // "20190316" -> "2019-03-16"; "" when not a date
std::string isoTime(std::string_view tm);     // "132623.5" -> "13:26:23"; "" when not a time
std::string isoDateTime(std::string_view dt); // "20190316132623.294" -> "2019-03-16T13:26:23.294"

} // namespace fa::dicom
