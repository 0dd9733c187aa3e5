#include "rules/ReferenceTable.h"

#include "core/Error.h"
#include "rules/Pattern.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <csv.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace fa::rules {

namespace {

const char* const kColumns[] = {"procedure_id", "name",          "match",           "device",  "shots",
                                "fluoro_time_s", "exposure_time_s", "dap_gycm2",     "kar_mgy"};

// Records of a CSV text with the line each ends on (libcsv fed a line at a time).
struct Record {
    int line;
    std::vector<std::string> cells;
};

struct Reader {
    std::vector<Record> records;
    std::vector<std::string> cells;
    int line = 0;
    static void onField(void* data, std::size_t n, void* self) {
        auto* r = static_cast<Reader*>(self);
        r->cells.emplace_back(data ? static_cast<const char*>(data) : "", data ? n : 0);
    }
    static void onRow(int, void* self) {
        auto* r = static_cast<Reader*>(self);
        r->records.push_back({r->line, std::move(r->cells)});
        r->cells.clear();
    }
};

std::vector<Record> readCsv(std::string_view text, std::vector<TableProblem>& problems) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3); // spreadsheet BOM
    csv_parser parser;
    csv_init(&parser, CSV_APPEND_NULL);
    Reader reader;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string_view piece = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start + 1);
        ++reader.line;
        if (csv_parse(&parser, piece.data(), piece.size(), Reader::onField, Reader::onRow, &reader) != piece.size()) {
            problems.push_back({reader.line, "", fa::text("table.notCsv", {{"reason", csv_strerror(csv_error(&parser))}})});
            break;
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    csv_fini(&parser, Reader::onField, Reader::onRow, &reader);
    csv_free(&parser);
    // Blank lines (e.g. at the end of a spreadsheet export) are not rows.
    reader.records.erase(std::remove_if(reader.records.begin(), reader.records.end(),
                                        [](const Record& r) {
                                            return std::all_of(r.cells.begin(), r.cells.end(), [](const std::string& c) {
                                                return Poco::trim(c).empty();
                                            });
                                        }),
                         reader.records.end());
    return reader.records;
}

std::optional<double> parseLevel(const std::string& cell, int line, const char* column,
                                 std::vector<TableProblem>& problems) {
    const std::string v = Poco::trim(cell);
    if (v.empty()) return std::nullopt;
    double d = 0;
    // A comma could be a decimal comma or a thousands separator: ask for a decimal point instead.
    if (v.find(',') != std::string::npos || !Poco::NumberParser::tryParseFloat(v, d) || !std::isfinite(d)) {
        problems.push_back({line, column, text("table.notNumber", {{"value", v}})});
        return std::nullopt;
    }
    if (d < 0) {
        problems.push_back({line, column, text("table.negative", {{"value", v}})});
        return std::nullopt;
    }
    return d;
}

bool deviceMatches(const std::string& wanted, const DeviceInfo* d) {
    if (wanted.empty()) return true;
    if (!d) return false;
    const std::string w = Poco::UTF8::toLower(Poco::trim(wanted));
    for (const std::string* field : {&d->station, &d->serial, &d->model})
        if (!field->empty() && Poco::UTF8::toLower(Poco::trim(*field)) == w) return true;
    return false;
}

std::string csvCell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string formatLevel(const std::optional<double>& v) {
    if (!v) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", *v);
    return buf;
}

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

std::size_t columnIndex(const char* name) {
    return static_cast<std::size_t>(std::find(std::begin(kColumns), std::end(kColumns), std::string(name)) -
                                    std::begin(kColumns));
}

// Columns by header name, so that a spreadsheet may reorder them.
Positions columnPositions(const Record& header, std::vector<TableProblem>& problems) {
    Positions position(std::size(kColumns), -1);
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
        const std::string name = Poco::toLower(Poco::trim(header.cells[c]));
        const auto it = std::find(std::begin(kColumns), std::end(kColumns), name);
        if (it == std::end(kColumns))
            problems.push_back({header.line, name, text("table.unknownColumn")});
        else if (position[static_cast<std::size_t>(it - std::begin(kColumns))] >= 0)
            problems.push_back({header.line, name, text("table.twice")});
        else
            position[static_cast<std::size_t>(it - std::begin(kColumns))] = static_cast<int>(c);
    }
    for (const char* required : {"procedure_id", "match"})
        if (position[columnIndex(required)] < 0) problems.push_back({header.line, required, text("table.columnMissing")});
    return position;
}

std::shared_ptr<Pattern> compileMatch(const ReferenceRow& row, std::vector<TableProblem>& problems) {
    if (row.match.empty()) {
        problems.push_back({row.line, "match", text("table.emptyMatch")});
        return nullptr;
    }
    std::shared_ptr<Pattern> pattern;
    try {
        pattern = std::make_shared<Pattern>(row.match);
    } catch (const Error& e) {
        problems.push_back({row.line, "match", text("table.badPattern", {{"value", row.match}, {"reason", e.what()}})});
        return nullptr;
    }
    for (const auto& probe : Pattern::probes())
        if (pattern->search(probe) == Pattern::Result::TooComplex) {
            problems.push_back({row.line, "match", text("table.slowPattern", {{"value", row.match}})});
            return nullptr;
        }
    return pattern;
}

ReferenceRow parseRow(const Record& rec, const Positions& position, std::size_t headerCells, std::set<std::string>& ids,
                      std::vector<TableProblem>& problems) {
    auto cell = [&](std::size_t column) -> std::string {
        const int p = position[column];
        return p >= 0 && static_cast<std::size_t>(p) < rec.cells.size() ? Poco::trim(rec.cells[static_cast<std::size_t>(p)])
                                                                         : "";
    };
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
    for (Metric m : kMetrics) row.levels[index(m)] = parseLevel(cell(4 + index(m)), rec.line, metricName(m), problems);
    return row;
}

} // namespace

std::optional<ReferenceTable> ReferenceTable::parse(std::string_view csv, std::vector<TableProblem>& problems) {
    const std::vector<Record> records = readCsv(csv, problems);
    if (records.empty()) {
        if (problems.empty()) problems.push_back({1, "", text("table.empty")});
        return std::nullopt;
    }
    const Record& header = records.front();
    const Positions position = columnPositions(header, problems);
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
        if (!deviceMatches(rows_[i].device, facts.device)) continue;
        for (const std::string* s : subjects) {
            // A search: the pattern may stand anywhere in the text. Too much work counts as no match.
            if (patterns_[i]->search(*s) == Pattern::Result::Match) return &rows_[i];
        }
    }
    return nullptr;
}

std::string ReferenceTable::toCsv() const {
    std::string out;
    for (std::size_t c = 0; c < std::size(kColumns); ++c) out += (c ? "," : "") + std::string(kColumns[c]);
    out += "\n";
    for (const auto& r : rows_) {
        out += csvCell(r.procedureId) + "," + csvCell(r.name) + "," + csvCell(r.match) + "," + csvCell(r.device);
        for (Metric m : kMetrics) out += "," + formatLevel(r.levels[index(m)]);
        out += "\n";
    }
    return out;
}

} // namespace fa::rules
