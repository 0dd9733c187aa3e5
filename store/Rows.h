// Mapping between the domain types and the tables of Schema.cpp. Internal to store/.
#pragma once

#include "store/Database.h"
#include "core/Clock.h"
#include "store/Columns.h"
#include "store/StudyStore.h"
#include "core/SkinDose.h"

namespace Poco::Data {
class RecordSet;
}

namespace fa::store {

// Lists kept in one column (procedure codes, the studies of a cumulative flag), '\\'-separated as
// DICOM multi-values are: neither codes nor UIDs contain a backslash.
std::string joinList(const std::vector<std::string>& items);
// Now as the store writes times: ISO 8601 UTC to the second ("2026-11-22T19:05:30Z").
std::vector<std::string> splitList(const std::string& s);

// The columns readStudyRow() reads, in its order.
extern const char* const kStudyColumns;

void insertStudyShell(Database& s, const DoseObject& o, const ObjectMeta& meta, const std::string& site);
// A later object may carry what the first left empty (description, accession number, ...).
void fillStudyBlanks(Database& s, const DoseObject& o, const ObjectMeta& meta);
void insertObject(Database& s, const DoseObject& o, const ObjectMeta& meta, const std::string& site);
// The events, planes and warnings of one object, and its row's device and totals, from `o`.
void replaceObjectContent(Database& s, const DoseObject& o);
// Writes `summary` (after the evaluator's device profile, if any) as the study's figures.
void writeSummary(Database& s, const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                  StudySummary summary, const std::string& updatedAt, const StudyEvaluator* evaluator);

std::vector<DoseObject> readObjects(Database& s, const std::string& studyUid);
// One row of a SELECT of kStudyColumns.
StudyRecord readStudyRow(const Columns& columns, std::size_t row);
StudySummary readSummary(const Columns& columns, std::size_t row);
// Where a study counts in study_counts: site, date, procedure, device; none when it is not stored.
using CountKey = std::optional<std::vector<std::string>>;
CountKey countKey(Database& s, const std::string& studyUid);
// The study moved from `before` to `after` (either none): the counts follow.
void moveCount(Database& s, const CountKey& before, const CountKey& after);
// Counts every study again (after rows were renamed to a site).
void recountAll(Database& s);
std::vector<Warning> readStudyWarnings(Database& s, const std::string& studyUid);
// A warning row (code, message, count and text, a warning's sentence kept as JSON by migration 20; rows
// from before it have none and show their English message).
Warning readWarning(const Columns& columns, std::size_t row);
// A Text as the JSON kept in a column, and back (an empty or unreadable column: no Text).
std::string encodeText(const Text& text);
Text decodeText(const std::string& kept);
std::vector<std::string> readCountedObjects(Database& s, const std::string& studyUid);
// The skin dose of the study's counted objects, computed by `model` and kept (skin_doses and the
// study's psd_gy); the study's earlier one is replaced.
void writeSkinDose(Database& s, const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                   const std::vector<std::string>& counted, const SkinDoseModel& model, const std::string& at);
std::optional<SkinDoseResult> readSkinDose(Database& s, const std::string& studyUid);
// The studies `filter` selects (as a page of studies does), by date, then UID.
std::vector<std::string> selectStudyUids(Database& s, const StudyFilter& filter);

} // namespace fa::store
