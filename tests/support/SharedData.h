// Locates ../shared/dicom (the real vendor files). Tests that need it skip cleanly without it.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace fa::test {

// FA_SHARED_DICOM in the environment, else the folder beside the checkout; "" when absent.
std::string sharedDicomDir();

} // namespace fa::test

#define FA_REQUIRE_SHARED_DICOM(dir)                                                                   \
    const std::string dir = ::fa::test::sharedDicomDir();                                              \
    if (dir.empty())                                                                                   \
        GTEST_SKIP() << "real vendor files not found (../shared/dicom beside the checkout, or set "    \
                        "FA_SHARED_DICOM): skipping"
