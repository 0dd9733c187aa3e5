#include "rules/ReferenceTable.h"

#include "core/Error.h"
#include "rules/CsvRecords.h"
#include "rules/Pattern.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

#include <algorithm>
#include <set>

namespace fa::rules {

namespace {

const std::vector<std::string> kColumns = {"procedure_id", "name", "match", "device", "shots",
                                          "fluoro_time_s", "exposure_time_s", "dap_gycm2", "kar_mgy"};

} // namespace

Text problemText(const TableProblem& p) {
    // The reason is a sentence of its own, put in whole in the same language.
    return (p.column.empty() ? text("table.at", {{"line", std::to_string(p.line)}})
                             : text("table.atColumn", {{"line", std::to_string(p.line)}, {"column", p.column}}))
        .with("reason", p.reason);
}

std::string describe(const TableProblem& p) { return problemText(p).english(); }

ReferenceTable::ReferenceTable(ReferenceTable&&) noexcept = default;
ReferenceTable& ReferenceTable::operator=(ReferenceTable&&) noexcept = default;
ReferenceTable::~ReferenceTable() = default;

namespace {

using Positions = std::vector<int>; // of each of kColumns in the file, -1 when absent

std::shared_ptr<Pattern> compileMatch(const ReferenceRow& row, std::vector<TableProblem>& problems) {
    if (row.match.empty()) {
        problems.push_back({row.line, "match", text("table.emptyMatch")});
        return nullptr;
    }
    std::shared_ptr<Pattern> pattern;
    try {
        pattern = std::make_shared<Pattern>(row.match);
    } catch (const Pattern::Invalid& e) {
        problems.push_back({row.line, "match", text("table.badPattern", {{"value", row.match}}).with("reason", e.reason)});
        return nullptr;
    }
    for (const auto& probe : Pattern::probes())
        if (pattern->search(probe) == Pattern::Result::TooComplex) {
            problems.push_back({row.line, "match", text("table.slowPattern", {{"value", row.match}})});
            return nullptr;
        }
    return pattern;
}

ReferenceRow parseRow(const csv::Record& rec, const Positions& position, std::size_t headerCells, std::set<std::string>& ids,
                      std::vector<TableProblem>& problems) {
    auto cell = [&](std::size_t column) { return csv::cell(rec, position[column]); };
    ReferenceRow row;
    row.line = rec.line;
    row.procedureId = cell(0);
    row.name = cell(1);
    row.match = cell(2);
    row.device = cell(3);
    if (rec.cells.size() > headerCells)
        problems.push_back({rec.line, "", text("table.cells", {{"cells", std::to_string(rec.cells.size())}, {"header", std::to_string(headerCells)}})});
    if (row.procedureId.empty()) problems.push_back({rec.line, "procedure_id", text("table.emptyId")});
    else if (!ids.insert(row.procedureId).second)
        problems.push_back({rec.line, "procedure_id", text("table.duplicateId", {{"value", row.procedureId}})});
    for (Metric m : kMetrics) row.levels[index(m)] = csv::number(cell(4 + index(m)), rec.line, metricName(m), problems);
    return row;
}

} // namespace

std::optional<ReferenceTable> ReferenceTable::parse(std::string_view csv, std::vector<TableProblem>& problems) {
    const std::vector<csv::Record> records = csv::read(csv, problems);
    if (records.empty()) {
        if (problems.empty()) problems.push_back({1, "", text("table.empty")});
        return std::nullopt;
    }
    const csv::Record& header = records.front();
    const Positions position = csv::columnPositions(header, kColumns, {"procedure_id", "match"}, problems);
    ReferenceTable table;
    std::set<std::string> ids;
    for (std::size_t r = 1; r < records.size(); ++r) {
        ReferenceRow row = parseRow(records[r], position, header.cells.size(), ids, problems);
        table.patterns_.push_back(compileMatch(row, problems));
        table.rows_.push_back(std::move(row));
    }
    if (!problems.empty()) return std::nullopt;
    return table;
}

const ReferenceRow* ReferenceTable::classify(const StudyFacts& facts) const {
    std::vector<const std::string*> subjects;
    std::vector<std::string> codes;
    if (facts.study) {
        for (const std::string* s : {&facts.study->studyDescription, &facts.study->requestedProcedure,
                                     &facts.study->performedProcedure, &facts.study->protocolName})
            if (!s->empty()) subjects.push_back(s);
        codes = facts.study->procedureCodes;
    }
    for (const auto& c : codes) subjects.push_back(&c);
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (!csv::deviceMatches(rows_[i].device, facts.device)) continue;
        for (const std::string* s : subjects) {
            // A search: the pattern may stand anywhere in the text. Too much work counts as no match.
            if (patterns_[i]->search(*s) == Pattern::Result::Match) return &rows_[i];
        }
    }
    return nullptr;
}

std::string ReferenceTable::toCsv() const {
    std::string out;
    for (std::size_t c = 0; c < kColumns.size(); ++c) out += (c ? "," : "") + kColumns[c];
    out += "\n";
    for (const auto& r : rows_) {
        out += csv::quoted(r.procedureId) + "," + csv::quoted(r.name) + "," + csv::quoted(r.match) + "," + csv::quoted(r.device);
        for (Metric m : kMetrics) out += "," + csv::formatted(r.levels[index(m)]);
        out += "\n";
    }
    return out;
}

} // namespace fa::rules
