// UTF-8 validity: text from DICOM whose conversion failed must still be valid UTF-8 when shown.
#pragma once

#include <string>
#include <string_view>

namespace fa {

bool isValidUtf8(std::string_view s);
// Replaces every byte that does not belong to a valid UTF-8 sequence with U+FFFD.
std::string sanitiseUtf8(std::string_view s);

} // namespace fa
