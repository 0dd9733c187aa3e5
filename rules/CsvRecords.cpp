#include "rules/CsvRecords.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <csv.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fa::rules::csv {

namespace {

// libcsv fed a line at a time, so that each record knows its line.
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

} // namespace

std::vector<Record> read(std::string_view text, std::vector<TableProblem>& problems) {
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

std::vector<int> columnPositions(const Record& header, const std::vector<std::string>& columns,
                                 const std::vector<std::string>& required, std::vector<TableProblem>& problems) {
    std::vector<int> position(columns.size(), -1);
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
        const std::string name = Poco::toLower(Poco::trim(header.cells[c]));
        const auto it = std::find(columns.begin(), columns.end(), name);
        if (it == columns.end())
            problems.push_back({header.line, name, text("table.unknownColumn", {{"columns", Poco::cat(std::string(", "), columns.begin(), columns.end())}})});
        else if (position[static_cast<std::size_t>(it - columns.begin())] >= 0)
            problems.push_back({header.line, name, text("table.twice")});
        else
            position[static_cast<std::size_t>(it - columns.begin())] = static_cast<int>(c);
    }
    for (const std::string& name : required)
        if (position[static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin())] < 0)
            problems.push_back({header.line, name, text("table.columnMissing")});
    return position;
}

std::string cell(const Record& record, int position) {
    return position >= 0 && static_cast<std::size_t>(position) < record.cells.size()
               ? Poco::trim(record.cells[static_cast<std::size_t>(position)])
               : "";
}

std::optional<double> number(const std::string& cell, int line, const std::string& column,
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

std::string quoted(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string formatted(const std::optional<double>& v) {
    if (!v) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", *v);
    return buf;
}

std::optional<std::vector<Record>> records(std::string_view text, std::vector<TableProblem>& problems) {
    std::vector<Record> all = read(text, problems);
    if (all.empty()) {
        if (problems.empty()) problems.push_back({1, "", fa::text("table.empty")});
        return std::nullopt;
    }
    return all;
}

void tooManyCells(const Record& record, const Record& header, std::vector<TableProblem>& problems) {
    if (record.cells.size() > header.cells.size())
        problems.push_back({record.line, "", fa::text("table.cells", {{"cells", std::to_string(record.cells.size())},
                                                                     {"header", std::to_string(header.cells.size())}})});
}

} // namespace fa::rules::csv
