// fa-synth: writes synthetic dose reports, e.g. a sample department for a first look.
#include "tests/synth/Synth.h"

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 3 || std::string(argv[1]) != "department") {
        std::cerr << "usage: fa-synth department FOLDER [STUDIES]\n"
                     "  writes STUDIES (default 140) synthetic RDSRs shaped like the pain-department study\n";
        return 2;
    }
    const int n = argc > 3 ? std::atoi(argv[3]) : 140;
    if (n < 1) {
        std::cerr << "fa-synth: STUDIES must be a positive number\n";
        return 2;
    }
    const auto studies = fa::synth::writeDepartment(argv[2], n, 20210601u);
    std::cout << "Wrote " << studies.size() << " dose reports to " << argv[2] << "\n";
    return 0;
}
