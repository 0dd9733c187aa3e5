// The nightly audit's report: one self-contained HTML page (charts inline as SVG, no external
// files) and CSV files of the period's studies and of the DRL audit table.
#pragma once

#include "core/Text.h"
#include "present/Csv.h"
#include "present/DrlAudit.h"
#include "present/RegionalSurvey.h"
#include "rules/StaffDose.h"
#include "store/StudyStore.h"

#include <map>
#include <string>
#include <vector>

namespace fa {

struct AuditReportData {
    store::AuditRun run;
    std::vector<store::AuditFinding> findings;
    std::vector<store::StudyRecord> studies; // of the period
    present::PerPlane perPlane;              // the biplane ones' figures per plane
    std::vector<store::FlagRecord> newFlags;
    std::string newFlagsSince;               // ISO 8601 UTC, "" = the period's flags
    std::vector<store::FlagRecord> staleFlags; // unreviewed, older than unreviewedDays
    int unreviewedDays = 7;
    std::size_t openFlags = 0;   // every unreviewed flag of the store
    std::string studyLinkBase;  // "http://host:8080/" to link each study to its page; "" = no links
    std::vector<DrlRow> drl;
    int tableVersion = 0;
    Language language = Language::English; // [report] language
    // Procedure names by id, from the reference table (a name may hold both languages).
    std::map<std::string, std::string> procedureNames;
    // The staff dose estimate of the year the period ends in (rules/StaffDose.h).
    int staffYear = 0;
    std::vector<rules::OperatorYear> staffOperators;
    double staffAnnualLevel_mSv = 20;
    // Sites sharing one database: the site audited (its studies and flags only) and the group's
    // regional survey of the period; "" and none for a site alone.
    std::string site;
    std::vector<SurveyRow> survey;
    // Follow-ups of substantial doses still open (the overdue among them) on `today`.
    std::vector<store::FollowUp> followUps;
    std::string today; // YYYY-MM-DD
};

std::string renderHtml(const AuditReportData& data);
// The CSV files beside the page (present/Csv.h): the period's studies and the DRL audit table.
std::string studiesCsv(const AuditReportData& data);
std::string drlCsv(const AuditReportData& data);

// "Ka,r (mGy)" for "kar_mgy": a metric as the report and the alert mails name it.
const char* metricLabel(const std::string& metric);
std::string metricLabel(const std::string& metric, Language language);

// Text safe inside HTML element content and attribute values.
std::string htmlEscape(const std::string& text);

} // namespace fa
