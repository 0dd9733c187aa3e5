// The CSV forms, one per thing, used by the API's exports and the nightly report: UTF-8 with a
// BOM (spreadsheets then read Chinese text right), RFC 4180 quoting, and a text cell that begins
// with = + - or @ prefixed with ' so that no spreadsheet runs it as a formula.
#pragma once

#include "present/DrlAudit.h"
#include "present/StudyJson.h"
#include "store/StudyStore.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace fa::present {

std::string csvCell(const std::string& text);
std::string csvLine(const std::vector<std::string>& cells);
// "" when unknown (or not finite), else rounded for display.
std::string csvNumber(const std::optional<double>& v);

// Which form an export takes. The machine form (docs/api.md, "Exports") is stable for scripts: column
// keys such as dap_gycm2 and values as stored (fluoroscopy, above-reference:shots, yes). The form for
// people names columns, sheets and enumerations in their language (procedure names too) and keeps
// the same rows, order and numbers.
struct ExportForm {
    bool machine = true;
    Language language = Language::English;

    static ExportForm forPeople(Language language) { return ExportForm{false, language}; }
    std::string column(const std::string& key) const;
    std::string sheet(const std::string& name) const;
    // An enumerated value: `prefix` + value in the catalog ("eventType." + "fluoroscopy").
    std::string term(const std::string& prefix, const std::string& value) const;
    std::string sentence(const Text& text) const { return machine ? text.english() : text.in(language); }
};

// Per study UID, a biplane study's figures per plane (present/StudyJson.h).
using PerPlane = std::map<std::string, std::vector<PlaneFigures>>;
// Those of the biplane studies among `studies` (their objects read from `store`).
PerPlane perPlaneOf(store::StudyStore& store, const std::vector<store::StudyRecord>& studies);

struct StudyCsvOptions {
    bool patients = false; // patient ID and name (reviewers and admins only)
    ExportForm form;
    // Ka,r and DAP of planes A and B (columns kar_a_mgy, kar_b_mgy, dap_a_gycm2, dap_b_gycm2, empty
    // for a study of one plane).
    const PerPlane* perPlane = nullptr;
    // Columns left out (their keys): those a page does not show. Patient columns follow `patients`.
    std::set<std::string> hidden;
    // Studies the nightly audit found without dose data; "" in that column when not known.
    const std::set<std::string>* missingDoseData = nullptr;
};
std::string studiesCsv(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options);

// A table as the exports give it: one CSV file, or one sheet of an XLSX workbook (present/Xlsx.h).
struct ExportTable {
    std::string name; // the sheet's name
    std::vector<std::string> header;
    std::set<std::string> numericColumns; // columns (by key) whose cells are numbers
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> keys; // each column's machine key (the machine form's header)
};
std::string csvOf(const ExportTable& table);
ExportTable studiesTable(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options);
// One row per irradiation event of the studies' counted objects, with its study.
struct StudyEvents {
    const store::StudyRecord* study = nullptr;
    std::vector<DoseObject> objects;
};
ExportTable eventsTable(const std::vector<StudyEvents>& studies, const ExportForm& form = {});
ExportTable drlTable(const std::vector<DrlRow>& rows, const ExportForm& form = {});
std::string flagsCsv(const std::vector<store::FlagRecord>& flags, const ExportForm& form = {});
std::string drlCsv(const std::vector<DrlRow>& rows, const ExportForm& form = {});

} // namespace fa::present
