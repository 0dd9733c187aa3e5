// The department's tables as CSV records, shared by the tables of rules/: lines of a spreadsheet
// export (UTF-8, with or without BOM), blank lines dropped, each record with the line it ends on.
#pragma once

#include "core/DoseObject.h"
#include "rules/ReferenceTable.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa::rules::csv {

struct Record {
    int line;
    std::vector<std::string> cells;
};

// Every record of `text`; a text that is not CSV adds a problem and ends there.
std::vector<Record> read(std::string_view text, std::vector<TableProblem>& problems);

// Positions of `columns` in `header` by name (case-insensitive, any order), -1 when absent; unknown
// and repeated columns and missing `required` ones are problems.
std::vector<int> columnPositions(const Record& header, const std::vector<std::string>& columns,
                                 const std::vector<std::string>& required, std::vector<TableProblem>& problems);

// The trimmed cell of `record` in column `position` ("" when absent).
std::string cell(const Record& record, int position);

// A non-negative number with a decimal point; empty is nullopt, anything else a problem.
std::optional<double> number(const std::string& cell, int line, const std::string& column,
                             std::vector<TableProblem>& problems);

// Whether `wanted` (empty for every device) names the station, serial or model of `device`.
bool deviceMatches(const std::string& wanted, const DeviceInfo* device);

// A cell as CSV writes it (quoted when needed).
std::string quoted(const std::string& s);
// A number as the tables write it ("" for none).
std::string formatted(const std::optional<double>& v);


// Header and rows of a table, or nullopt with the problems of an empty one.
std::optional<std::vector<Record>> records(std::string_view text, std::vector<TableProblem>& problems);
// A row with more cells than the header has is a problem.
void tooManyCells(const Record& record, const Record& header, std::vector<TableProblem>& problems);

// Calls `row(record, positions)` for each row of the table in `text` (columns by name); whether the
// table has no problem.
template <class Row>
bool eachRow(std::string_view text, const std::vector<std::string>& columns, const std::vector<std::string>& required,
             std::vector<TableProblem>& problems, Row row) {
    const auto all = records(text, problems);
    if (!all) return false;
    const auto position = columnPositions(all->front(), columns, required, problems);
    for (std::size_t r = 1; r < all->size(); ++r) {
        tooManyCells((*all)[r], all->front(), problems);
        row((*all)[r], position);
    }
    return problems.empty();
}

} // namespace fa::rules::csv
