#include "core/Clock.h"
#include "core/Units.h"
#include "core/Error.h"
#include "cli/Commands.h"
#include "present/FollowUpJson.h"
#include "present/Xlsx.h"
#include "present/Display.h"
#include "present/StudyJson.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <ostream>

namespace fa::cli {

using namespace fa::present;

namespace {

std::string deviceName(const DeviceInfo& d) {
    std::string s = d.manufacturer;
    if (!d.model.empty()) s += (s.empty() ? "" : " ") + d.model;
    if (!d.station.empty()) s += " (" + d.station + ")";
    return s.empty() ? "—" : s;
}

std::string gycm2(const std::optional<double>& gym2) {
    return figure(units::toGycm2(gym2), 4);
}
std::string mgy(const std::optional<double>& gy) {
    return figure(units::toMilliGray(gy), 3);
}

void printSummary(const store::StudyRecord& r, const std::optional<SkinDoseResult>& skin, std::ostream& out) {
    const auto& st = r.study;
    const auto& s = r.summary;
    auto row = [&](const char* label, const std::string& value) {
        out << "  " << label << std::string(24 - displayWidth(label), ' ') << value << "\n";
    };
    out << "Study " << st.studyUid << "\n";
    row("Date", st.studyDate.empty() ? "—" : st.studyDate + (st.studyTime.empty() ? "" : " " + st.studyTime));
    row("Description", st.studyDescription.empty() ? "—" : st.studyDescription);
    if (!st.requestedProcedure.empty()) row("Requested procedure", st.requestedProcedure);
    if (!st.performedProcedure.empty()) row("Performed procedure", st.performedProcedure);
    if (!st.protocolName.empty()) row("Protocol", st.protocolName);
    if (!st.accessionNumber.empty()) row("Accession number", st.accessionNumber);
    row("Device", deviceName(r.device) + (r.device.serial.empty() ? "" : ", serial " + r.device.serial));
    row("Source", s.source ? toString(*s.source) : "—");
    row("Shots", count(s.irradiationEvents) + " (fluoroscopy " + count(s.fluoroEvents) + ", acquisition " +
                     count(s.acquisitionEvents) + ")");
    row("Fluoroscopy time s", figure(s.fluoroTime_s, 3));
    row("Acquisition time s", figure(s.acquisitionTime_s, 3));
    row("Exposure time s", figure(s.exposureTime_s, 3));
    row("DAP Gy·cm²", gycm2(s.dap_Gym2));
    row("Ka,r mGy", mgy(s.doseRp_Gy));
    if (skin && skin->psd_Gy) {
        row("Peak skin dose mGy", mgy(skin->psd_Gy) + " (" + skin->region + "; " + std::to_string(skin->assumptions.size()) +
                                      " assumption" + (skin->assumptions.size() == 1 ? "" : "s") + ", see --json)");
    } else if (skin) {
        row("Peak skin dose mGy", "— (" + skin->missing.text + ")");
    }
    row("Frames", figure(s.frames, 0));
    row("Planes", s.planes ? std::to_string(*s.planes) : "—");
    row("Objects", std::to_string(r.objectCount));
}

} // namespace

std::string parseDateOption(const std::string& option, const std::string& value) {
    std::string digits;
    for (char c : value)
        if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
        else if (c != '-') digits = "x";
    if (digits.size() != 8)
        throw Error(option + " '" + value + "' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22");
    const int year = std::stoi(digits.substr(0, 4)), month = std::stoi(digits.substr(4, 2)), day = std::stoi(digits.substr(6, 2));
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1900 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap))
        throw Error(option + " '" + value + "' is not a day of the calendar (YYYY-MM-DD)");
    return digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
}

int studies(Pipeline& pipeline, const ListOptions& options, std::ostream& out) {
    auto filter = store::StudyFilter::between(options.from, options.to);
    filter.site = options.site;
    if (!options.xlsx.empty()) {
        const auto workbook = present::studiesWorkbook(pipeline.store(), pipeline.levels(), filter, {});
        std::ofstream file(options.xlsx, std::ios::binary | std::ios::trunc);
        if (!(file << workbook.bytes) || !file.flush()) throw Error("cannot write " + options.xlsx);
        pipeline.store().addTrail(commandLineActor(), "export",
                                  text("trail.exportXlsxTo", {{"file", "studies.xlsx"},
                                                              {"count", std::to_string(workbook.studies)},
                                                              {"events", std::to_string(workbook.events)},
                                                              {"to", options.xlsx}}),
                                  "");
        out << "wrote " << workbook.studies << " studies and " << workbook.events << " events (and the DRL audit) to "
            << options.xlsx << "\n";
        return 0;
    }
    if (options.json) {
        // Streamed a study at a time, laid out as printJson lays out the whole array.
        const auto n = pipeline.store().eachStudy(filter,
                                                  [&out, first = true](const store::StudyRecord& r) mutable {
                                                      out << (first ? "[\n  " : ",\n  ");
                                                      first = false;
                                                      studyToJson(r)->stringify(out, 4, 2);
                                                  });
        if (n == 0) printJson(out, Poco::JSON::Array());
        else out << "\n]\n";
        return 0;
    }
    const auto records = pipeline.store().studies(filter);
    // A database of several sites shows whose each study is.
    const bool group = pipeline.store().sites().size() > 1;
    std::vector<std::string> header{"Date", "Study UID", "Description", "Device", "Shots", "Fluoro s", "Acq s",
                                    "DAP Gy·cm²", "Ka,r mGy", "Source", "Warnings"};
    if (group) header.insert(header.begin(), "Site");
    Table t(header);
    for (const auto& r : records) {
        const auto& s = r.summary;
        std::vector<std::string> row{r.study.studyDate.empty() ? "—" : r.study.studyDate, r.study.studyUid,
                                     truncateToWidth(r.study.studyDescription.empty() ? "—" : r.study.studyDescription, 32),
                                     truncateToWidth(deviceName(r.device), 28), count(s.irradiationEvents),
                                     figure(s.fluoroTime_s, 1), figure(s.acquisitionTime_s, 1), gycm2(s.dap_Gym2),
                                     mgy(s.doseRp_Gy), s.source ? toString(*s.source) : "—",
                                     std::to_string(r.warnings.size())};
        if (group) row.insert(row.begin(), r.site);
        t.add(row);
    }
    out << t.render();
    out << records.size() << " stud" << (records.size() == 1 ? "y" : "ies") << "\n";
    return 0;
}

int show(Pipeline& pipeline, const std::string& studyUid, bool json, std::ostream& out, std::ostream& err) {
    const auto record = pipeline.store().study(studyUid);
    if (!record) {
        err << "No study " << studyUid << " in " << pipeline.settings().dataDir
            << " (list them with: fluoroaudit studies)\n";
        return 1;
    }
    const auto objects = pipeline.store().objectsOf(studyUid);
    if (json) {
        auto detail = studyDetailToJson(*record, objects, pipeline.staffEstimates(*record), pipeline.patientEstimate(*record),
                                        pipeline.store().skinDose(studyUid));
        const auto followUp = pipeline.store().followUp(studyUid);
        detail->set("follow_up", followUp ? Poco::Dynamic::Var(followUpJson(*followUp, todayLocal(), true)) : Poco::Dynamic::Var());
        printJson(out, *detail);
        return 0;
    }
    printSummary(*record, pipeline.store().skinDose(studyUid), out);
    const auto& counted = record->summary.countedObjects;
    Table events({"#", "Type", "Plane", "Started", "Protocol", "DAP Gy·cm²", "Ka,r mGy", "kVp", "mA", "Duration s"});
    int n = 0;
    for (const auto& o : objects) {
        if (std::find(counted.begin(), counted.end(), o.sopInstanceUid) == counted.end()) continue;
        for (const auto& e : o.events)
            events.add({std::to_string(++n), toString(e.type), toString(e.plane), e.startedAt.empty() ? "—" : e.startedAt,
                        truncateToWidth(e.protocol.empty() ? "—" : e.protocol, 24), gycm2(e.dap_Gym2),
                        mgy(e.doseRp_Gy), figure(e.kvp_kV, 1), figure(e.tubeCurrent_mA, 1),
                        figure(e.duration_s(), 3)});
    }
    out << "\nEvents\n";
    out << (events.empty() ? "  none listed\n" : events.render());
    out << "\nWarnings\n";
    if (record->warnings.empty()) out << "  none\n";
    for (const auto& w : record->warnings)
        out << "  [" << w.code << "] " << w.message << (w.count > 1 ? " (" + std::to_string(w.count) + "×)" : "") << "\n";
    return 0;
}

} // namespace fa::cli
