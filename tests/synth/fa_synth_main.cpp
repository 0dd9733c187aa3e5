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
                 "       fa-synth report FILE DESCRIPTION SHOTS [YYYYMMDD [OPTION[+OPTION...]]]\n"
                 "  writes one RDSR of SHOTS single shots of 0.75 s with that study description, one a second\n"
                 "  from 10:15:00 (latest-first: listed in the report from the last one back; biplane: shots\n"
                 "  alternate between planes A and B, those of plane B with twice the DAP;\n"
                 "  skin: a Siemens AXIOM-Artis procedure of 0.1 Gy shots, posterior and LAO 30 in turn, with its\n"
                 "  table positions and filters, for the skin map; odd-units: DAP written in dGy.cm2 and no\n"
                 "  template identifier, two data-quality warnings)\n";
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
        const std::string options = argc > 6 ? "+" + std::string(argv[6]) + "+" : "";
        auto has = [&](const char* option) { return options.find("+" + std::string(option) + "+") != std::string::npos; };
        if (has("latest-first")) std::reverse(r.events.begin(), r.events.end());
        if (has("odd-units")) {
            r.dapUnit = "dGy.cm2";
            r.omitTemplateId = true;
        }
        if (has("skin")) {
            fa::synth::Report skin = fa::synth::skinReport(shots, 0.1, true);
            for (std::size_t i = 0; i < r.events.size(); ++i) skin.events[i].startedAt = r.events[i].startedAt;
            skin.studyUid = r.studyUid;
            skin.studyDescription = r.studyDescription;
            skin.studyDate = r.studyDate;
            skin.patientSize_m = 1.70;
            skin.patientWeight_kg = 70;
            r = skin;
        }
        if (has("biplane")) {
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
