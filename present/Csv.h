// The CSV forms, one per thing, used by the API's exports and the nightly report: UTF-8 with a
// BOM (spreadsheets then read Chinese text right), RFC 4180 quoting, and a text cell that begins
// with = + - or @ prefixed with ' so that no spreadsheet runs it as a formula.
#pragma once

#include "present/DrlAudit.h"
#include "store/StudyStore.h"

#include <set>
#include <string>
#include <vector>

namespace fa::present {

std::string csvCell(const std::string& text);
std::string csvLine(const std::vector<std::string>& cells);
// "" when unknown (or not finite), else rounded for display.
std::string csvNumber(const std::optional<double>& v);

struct StudyCsvOptions {
    bool patients = false; // patient ID and name (reviewers and admins only)
    // Studies the nightly audit found without dose data; "" in that column when not known.
    const std::set<std::string>* missingDoseData = nullptr;
};
std::string studiesCsv(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options);

// A table as the exports give it: one CSV file, or one sheet of an XLSX workbook (present/Xlsx.h).
struct ExportTable {
    std::string name; // the sheet's name
    std::vector<std::string> header;
    std::set<std::string> numericColumns; // columns (by header) whose cells are numbers
    std::vector<std::vector<std::string>> rows;
};
std::string csvOf(const ExportTable& table);
ExportTable studiesTable(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options);
// One row per irradiation event of the studies' counted objects, with its study.
struct StudyEvents {
    const store::StudyRecord* study = nullptr;
    std::vector<DoseObject> objects;
};
ExportTable eventsTable(const std::vector<StudyEvents>& studies);
ExportTable drlTable(const std::vector<DrlRow>& rows);
std::string flagsCsv(const std::vector<store::FlagRecord>& flags);
std::string drlCsv(const std::vector<DrlRow>& rows);

} // namespace fa::present
