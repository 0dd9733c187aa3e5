// libFuzzer: the pre-scan of an object's bytes (dicom/Prescan.h) on anything.
#include "dicom/Prescan.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fa::dicom::prescanBuffer(data, size);
    return 0;
}
