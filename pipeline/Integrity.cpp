#include "pipeline/Integrity.h"

#include "core/Clock.h"
#include "core/Error.h"

#include <filesystem>
#include <fstream>
#include <set>

namespace fa {

namespace {

std::string recordFile(const Settings& settings) { return settings.dataDir + "/integrity.txt"; }

std::string tables(const store::IntegrityReport& report) {
    std::set<std::string> names;
    for (const auto& p : report.problems) names.insert(p.table.empty() ? "(no table named)" : p.table);
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// First line: when, and the verdict; then the problems. Written whole, then renamed into place.
void record(const Settings& settings, const std::string& verdict, const std::vector<store::IntegrityProblem>& problems) {
    const std::string path = recordFile(settings), partial = path + ".partial";
    {
        std::ofstream out(partial, std::ios::trunc);
        out << nowUtc() << " " << verdict << "\n";
        for (const auto& p : problems) out << p.table << ": " << p.detail << "\n";
    }
    std::error_code ec;
    std::filesystem::rename(partial, path, ec);
}

} // namespace

store::IntegrityReport checkStore(store::StudyStore& store, const Settings& settings) {
    store::IntegrityReport report;
    try {
        report = store.checkIntegrity();
    } catch (const Error& e) {
        record(settings, "damaged: the whole database (it cannot be read)", {{"", e.what()}});
        throw;
    }
    record(settings, report.problems.empty() ? "ok" : "damaged: tables " + tables(report), report.problems);
    return report;
}

std::string describe(const store::IntegrityReport& report) {
    std::string out = "the study database " + report.database + ", checked by " + report.method + ": ";
    if (report.problems.empty()) out += "no damage found\n";
    else out += "damaged in " + tables(report) + "\n";
    for (const auto& p : report.problems)
        out += "  " + (p.table.empty() ? std::string("(no table named)") : "table " + p.table) + ": " + p.detail + "\n";
    if (!report.note.empty()) out += "note: " + report.note + "\n";
    if (!report.problems.empty()) out += "what to do: " + report.whatToDo() + "\n";
    return out;
}

std::string recordedDamage(const Settings& settings) {
    std::ifstream in(recordFile(settings));
    std::string first;
    if (!std::getline(in, first)) return {};
    const auto space = first.find(' ');
    if (space == std::string::npos || first.compare(space + 1, 7, "damaged") != 0) return {};
    return "the integrity check of " + first.substr(0, space) + " found the study database " + first.substr(space + 1) +
           " (fluoroaudit check-store; docs/configuration.md, \"A damaged database\")";
}

} // namespace fa
