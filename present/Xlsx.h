// XLSX workbooks of the exports (Debian's libxlsxwriter): one sheet per table, a bold header row
// frozen at the top, numbers as numbers in the columns that hold them, text as text (never a
// formula).
#pragma once

#include "present/Csv.h"
#include "rules/LevelEvaluator.h"

#include <string>
#include <vector>

namespace fa::present {

// The workbook's bytes. Throws fa::Error when it cannot be written.
std::string xlsxOf(const std::vector<ExportTable>& sheets);

// The studies export as a workbook, for the API and the CLI alike: the studies of `filter`, one row
// per irradiation event of theirs, and the DRL audit of the filter's dates.
struct StudiesWorkbook {
    std::string bytes;
    std::size_t studies = 0, events = 0;
};
StudiesWorkbook studiesWorkbook(store::StudyStore& store, const rules::LevelEvaluator& levels,
                                const store::StudyFilter& filter, const StudyCsvOptions& options);

} // namespace fa::present
