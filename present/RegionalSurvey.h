// The regional DRL survey of a group's sites (ICRP 135): per procedure and metric, each site's n,
// median and 75th percentile, the regional DRL (75th percentile of the site medians) and the sites
// whose median is above it.
#pragma once

#include "rules/Metric.h"
#include "rules/Statistics.h"
#include "store/StudyStore.h"

#include <string>
#include <vector>

namespace fa {

struct SurveyRow {
    std::string procedureId, procedureName;
    rules::Metric metric = rules::Metric::Shots;
    rules::RegionalStatistics statistics;
};

// Rows ordered by procedure and metric; only metrics that at least one study has. Studies of no
// procedure are left out (a regional level is set per procedure).
std::vector<SurveyRow> regionalSurvey(const std::vector<store::StudyFigures>& studies);
// The studies of `filter` (a period): only their site, procedure and metrics are read.
std::vector<SurveyRow> regionalSurvey(store::StudyStore& store, const store::StudyFilter& filter);

} // namespace fa
