// Procedure and flags of studies: written when a study changes, read by `flags` and `stats`.
// Internal to store/.
#pragma once

#include "core/Evaluation.h"
#include "store/StudyStore.h"

namespace fa::store {

// Classifies `studyUid` and replaces its own flags, then the cumulative flags of its patient's
// studies that its figures reach. Review states of flags raised again are kept.
void evaluateStudy(Poco::Data::Session& s, const std::string& studyUid, const StudyEvaluator& evaluator,
                   const std::string& raisedAt);

std::vector<StudyFlag> readFlags(Poco::Data::Session& s, const std::string& studyUid);

} // namespace fa::store
