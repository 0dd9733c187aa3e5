// The department's reference-level table: a CSV a quality manager edits in a spreadsheet,
//   procedure_id,name,match,device,shots,fluoro_time_s,exposure_time_s,dap_gycm2,kar_mgy
// Rows are tried in order; the first whose `match` (a case-insensitive, Unicode regular expression)
// finds one of the study's descriptions or codes, and whose `device` (empty for all) names its
// station, serial or model, classifies the study. An empty level cell means no level.
#pragma once

#include "core/DoseObject.h"
#include "core/Text.h"
#include "rules/Metric.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa::rules {

class Pattern;

struct ReferenceRow {
    int line = 0;
    std::string procedureId;
    std::string name;
    std::string match;
    std::string device;
    std::array<std::optional<double>, 5> levels; // indexed by Metric
};

struct TableProblem {
    int line = 0;        // 1 = the header
    std::string column;  // "" when the problem is the whole row
    Text reason;
};

// What a study offers for classification.
struct StudyFacts {
    const StudyInfo* study = nullptr;
    const DeviceInfo* device = nullptr;
};

class ReferenceTable {
public:
    // Every problem of `csv` (UTF-8, with or without BOM) at once; a table is returned only when
    // there is none.
    static std::optional<ReferenceTable> parse(std::string_view csv, std::vector<TableProblem>& problems);

    ReferenceTable(ReferenceTable&&) noexcept;
    ReferenceTable& operator=(ReferenceTable&&) noexcept;
    ~ReferenceTable();

    const std::vector<ReferenceRow>& rows() const { return rows_; }
    // The first matching row, or nullptr (the study is unclassified).
    const ReferenceRow* classify(const StudyFacts& facts) const;
    // The table as CSV (the columns above, UTF-8, no BOM).
    std::string toCsv() const;

private:
    ReferenceTable() = default;
    std::vector<ReferenceRow> rows_;
    std::vector<std::shared_ptr<Pattern>> patterns_;
};

// "line 4, column dap_gycm2: '-2' is negative", in a reader's language or (describe) in English.
Text problemText(const TableProblem& p);
std::string describe(const TableProblem& p);

} // namespace fa::rules
