#include "cli/Commands.h"
#include "core/Error.h"
#include "present/Display.h"
#include "present/StaffJson.h"

#include <fstream>
#include <ostream>
#include <sstream>

namespace fa::cli {

using namespace fa::present;

namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string tableCsv(Pipeline& pipeline, const std::string& kind) {
    const auto tables = pipeline.staffTables();
    return kind == "rates" ? tables.rates.toCsv() : tables.profiles.toCsv();
}

} // namespace

int staffYear(Pipeline& pipeline, int year, bool json, std::ostream& out) {
    const auto tables = pipeline.staffTables();
    const rules::StaffYear figures = pipeline.staffYear(tables, year);
    const auto& operators = figures.operators;
    const double level_mSv = pipeline.settings().staffAnnualLevel_mSv;
    if (json) {
        printJson(out, *staffYearJson(year, figures, level_mSv, tables.ratesVersion, tables.profilesVersion));
        return 0;
    }
    std::vector<std::string> header{"Operator", "Studies", "Total µSv", "Of " + figure(level_mSv, 3) + " mSv"};
    header.insert(header.end(), std::begin(kMonths), std::end(kMonths));
    Table t(header);
    for (const auto& y : operators) {
        int studies = 0;
        for (int n : y.studies) studies += n;
        std::vector<std::string> row{y.operatorName.empty() ? "(not named)" : y.operatorName, std::to_string(studies),
                                     significant(y.total_uSv), significant(100 * y.total_uSv / (level_mSv * 1000)) + " %"};
        for (double m : y.month_uSv) row.push_back(m > 0 ? significant(m) : "—");
        t.add(row);
    }
    out << "Estimated staff dose in " << year << " (an estimate: exposure time x the ambient dose-equivalent rate "
        << "at each operator's position; without a profile of their own: 1 m, no protection, the higher rate of "
        << "intensifier above or below, a conservative default; rates version " << tables.ratesVersion.version
        << ", profiles version " << tables.profilesVersion.version << ", 0 = as shipped)\n";
    out << (operators.empty() ? "  no studies dated in " + std::to_string(year) + "\n" : t.render());
    for (const auto& y : operators)
        if (y.withoutEstimate > 0)
            out << (y.operatorName.empty() ? "(not named)" : y.operatorName) << ": " << y.withoutEstimate
                << " stud(ies) without an estimate (no profile, no rate at the profile's position, or no exposure time)\n";
    if (figures.procedures.empty()) return 0;
    Table p({"Procedure", "Estimates", "Mean µSv", "Median µSv", "Max µSv"});
    for (const auto& x : figures.procedures)
        p.add({x.procedureId.empty() ? "unclassified" : x.procedureId, std::to_string(x.estimates), significant(x.mean_uSv),
               significant(x.median_uSv), significant(x.max_uSv)});
    out << "\nPer procedure (one estimate per operator and study)\n" << p.render();
    return 0;
}

int staffImport(Pipeline& pipeline, const std::string& kind, const std::string& file, std::ostream& out, std::ostream& err) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot read " + file);
    std::stringstream csv;
    csv << in.rdbuf();
    const auto activation = pipeline.activateStaffTable(kind, csv.str(), "imported from " + file);
    if (!activation.problems.empty()) {
        err << file << " has " << activation.problems.size() << " problem(s); the staff " << kind << " in use stay:\n";
        for (const auto& p : activation.problems) err << "  " << rules::describe(p) << "\n";
        return 1;
    }
    if (activation.unchanged) {
        out << file << " holds the staff " << kind << " in use already (version " << activation.version
            << "): nothing changed.\n";
        return 0;
    }
    pipeline.store().addTrail(commandLineActor(), "staff-" + kind + "-replace",
                              text("trail.version", {{"version", std::to_string(activation.version)}})
                                  .with("source", text("source.imported", {{"file", file}})),
                              "");
    out << "Activated " << file << " as staff " << kind << " version " << activation.version << ".\n";
    return 0;
}

int staffExport(Pipeline& pipeline, const std::string& kind, const std::string& file, std::ostream& out) {
    const std::string csv = tableCsv(pipeline, kind);
    if (file.empty()) {
        out << csv;
        return 0;
    }
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    if (!(f << csv)) throw Error("cannot write " + file);
    out << "Wrote the staff " << kind << " to " << file << "\n";
    return 0;
}

} // namespace fa::cli
