// The JSON form (docs/json.md) of everything the store lists besides studies: flags, DRL
// statistics, audit runs and their findings, devices, users and the audit trail. The command
// line's --json and the REST API print exactly these.
#pragma once

#include "present/RegionalSurvey.h"
#include "present/DrlAudit.h"
#include "present/Json.h"
#include "store/StudyStore.h"

#include <cstdint>

namespace fa::present {

Poco::JSON::Object::Ptr flagRecordJson(const store::FlagRecord& record);
Poco::JSON::Array::Ptr flagRecordsJson(const std::vector<store::FlagRecord>& records);

// One row of the DRL audit (`stats`); `device` only when the rows are by device.
// `valuesUpTo`: every study's value is listed for rows of at most that many studies (null beyond;
// min, q1, median, p75 and max draw the box of any row).
Poco::JSON::Object::Ptr drlRowJson(const DrlRow& row, bool byDevice, std::size_t valuesUpTo = SIZE_MAX,
                                   Language language = Language::English);
// The regional DRL survey (docs/json.md, "stats --by-site --json").
Poco::JSON::Array::Ptr surveyRowsJson(const std::vector<SurveyRow>& rows);
Poco::JSON::Array::Ptr drlRowsJson(const std::vector<DrlRow>& rows, bool byDevice, std::size_t valuesUpTo = SIZE_MAX,
                                   Language language = Language::English);
// Per procedure, metric and month (YYYY-MM) of the study date: n and median.
Poco::JSON::Array::Ptr monthlyMediansJson(const std::vector<store::StudyFigures>& studies);

Poco::JSON::Object::Ptr auditRunJson(const store::AuditRun& run);
Poco::JSON::Array::Ptr auditRunsJson(const std::vector<store::AuditRun>& runs);
// The run with its findings (`audit show RUN`).
Poco::JSON::Object::Ptr auditRunDetailJson(const store::AuditRun& run, const std::vector<store::AuditFinding>& findings);

// A reference-table version: number, when and where from, and (withCsv) the table itself.
Poco::JSON::Object::Ptr tableVersionJson(const store::ReferenceTableVersion& version, bool withCsv);

Poco::JSON::Array::Ptr devicesJson(const std::vector<store::DeviceSummary>& devices);
// [{device, procedure_id, studies, studies_with_open_flags, open_flags}]
Poco::JSON::Array::Ptr overviewJson(const std::vector<store::OverviewRow>& rows);
Poco::JSON::Object::Ptr userJson(const store::User& user);
// Its detail in `language`.
Poco::JSON::Object::Ptr trailEntryJson(const store::TrailEntry& entry, Language language);

} // namespace fa::present
