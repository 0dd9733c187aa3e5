// Procedure and flags of studies: written when a study changes, read by `flags` and `stats`.
// Internal to store/.
#pragma once

#include "store/Database.h"
#include "core/Evaluation.h"
#include "store/Columns.h"
#include "store/StudyStore.h"

namespace Poco::Data {
class RecordSet;
}

namespace fa::store {

// Classifies `studyUid` and replaces its own flags, then the cumulative flags of its patient's
// studies that its figures reach. Review states of flags raised again are kept.
void evaluateStudy(Database& s, const std::string& studyUid, const StudyEvaluator& evaluator,
                   const std::string& raisedAt);

std::vector<StudyFlag> readFlags(Database& s, const std::string& studyUid);
// Keeps the open and total flag counts of the studies `where` (over studies, ? bound to `values`).
void countFlags(Database& s, const std::string& where, std::vector<std::string> values);

// The flag of a row with the columns kind, metric, value, level, table_version, studies,
// review_state and raised_at.
StudyFlag flagFromRow(const Columns& columns, std::size_t row);
// The reasons of a follow-up as follow_ups.reasons keeps them (substantial flags: metric, value, level).
std::vector<StudyFlag> parseReasons(const std::string& text);

} // namespace fa::store
