// The base of tests that start `fluoroaudit serve`: a temporary folder with its data folder, a
// configuration file written on demand, and a free DICOM port.
#pragma once

#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace fa::test {

class ServiceTest : public ::testing::Test {
protected:
    std::string data() const { return (dir_.path() / "data").string(); }
    // Writes `text` as the configuration file and returns its path.
    std::string config(const std::string& text) const {
        const std::string path = dir_.file("fluoroaudit.ini");
        std::ofstream(path) << text;
        return path;
    }
    TempDir dir_;
    int port_ = freePort();
};

} // namespace fa::test
