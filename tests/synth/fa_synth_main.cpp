// fa-synth: writes synthetic dose reports, e.g. a sample department for a first look.
#include "tests/synth/Synth.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace {

int usage() {
    std::cerr << "usage: fa-synth department FOLDER [STUDIES]\n"
                 "  writes STUDIES (default 140) synthetic RDSRs shaped like the pain-department study\n"
                 "       fa-synth report FILE DESCRIPTION SHOTS [YYYYMMDD [latest-first | biplane | skin]]\n"
                 "  writes one RDSR of SHOTS single shots of 0.75 s with that study description, one a second\n"
                 "  from 10:15:00 (latest-first: listed in the report from the last one back; biplane: shots\n"
                 "  alternate between planes A and B, those of plane B with twice the DAP;\n"
                 "  skin: a Siemens AXIOM-Artis procedure of 0.1 Gy shots, posterior and LAO 30 in turn, with its\n"
                 "  table positions and filters, for the skin map)\n";
    return 2;
}

} // namespace

int run(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string command = argv[1];
    if (command == "department") {
        const int n = argc > 3 ? std::atoi(argv[3]) : 140;
        if (n < 1) {
            std::cerr << "fa-synth: STUDIES must be a positive number\n";
            return 2;
        }
        const auto studies = fa::synth::writeDepartment(argv[2], n, 20210601u);
        std::cout << "Wrote " << studies.size() << " dose reports to " << argv[2] << "\n";
        return 0;
    }
    if (command == "report" && argc >= 5) {
        fa::synth::Report r;
        r.studyDescription = argv[3];
        if (argc > 5) r.studyDate = argv[5];
        const int shots = std::atoi(argv[4]);
        if (shots < 1) {
            std::cerr << "fa-synth: SHOTS must be a positive number\n";
            return 2;
        }
        for (int i = 0; i < shots; ++i) {
            fa::synth::Event e;
            e.uid = fa::synth::newUid();
            e.duration_s = 0.75;
            e.startedAt = r.studyDate + "1015" + (i % 60 < 10 ? "0" : "") + std::to_string(i % 60);
            r.events.push_back(e);
        }
        const std::string option = argc > 6 ? argv[6] : "";
        if (option == "latest-first") std::reverse(r.events.begin(), r.events.end());
        if (option == "skin") {
            r.manufacturer = "Siemens";
            r.model = "AXIOM-Artis";
            r.patientSize_m = 1.70;
            r.patientWeight_kg = 70;
            for (std::size_t i = 0; i < r.events.size(); ++i) {
                fa::synth::Geometry g;
                g.primary_deg = i % 2 ? 30 : 0;
                g.tableLongitudinal_mm = 0;
                g.tableLateral_mm = 500;
                g.tableHeight_mm = 150;
                g.copper_mm = 0.2;
                r.events[i].geometry = g;
                r.events[i].dose_Gy = 0.1;
                r.events[i].dap_Gym2 = 1e-3;
            }
        }
        if (option == "biplane") {
            r.planes = {fa::synth::PlaneTotals{}, fa::synth::PlaneTotals{}};
            r.planes[0].plane = "A";
            r.planes[1].plane = "B";
            for (std::size_t i = 0; i < r.events.size(); ++i)
                if (i % 2) {
                    r.events[i].plane = "B";
                    r.events[i].dap_Gym2 *= 2;
                } else {
                    r.events[i].plane = "A";
                }
        }
        fa::synth::save(*fa::synth::buildReport(r), argv[2]);
        std::cout << "Wrote " << argv[2] << " (study " << r.studyUid << ")\n";
        return 0;
    }
    return usage();
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "fa-synth: " << e.what() << "\n";
        return 1;
    }
}
