// The DRL audit (ICRP 135) of a period: per procedure (and optionally device) and metric, the
// distribution of the stored studies against the active reference level.
#pragma once

#include "rules/LevelEvaluator.h"
#include "store/StudyStore.h"
#include "rules/Metric.h"
#include "rules/Statistics.h"

#include <string>
#include <vector>

namespace fa {

struct DrlRow {
    std::string procedureId;
    std::string procedureName;
    std::string device; // "" unless by device
    rules::Metric metric = rules::Metric::Shots;
    std::vector<double> values; // the studies' values, ascending
    rules::MetricStatistics statistics;
};

// `from`/`to`: YYYY-MM-DD, inclusive, "" for no bound. Rows ordered by procedure, device, metric;
// only metrics that at least one study has.
std::vector<DrlRow> drlAudit(store::StudyStore& store, const rules::LevelEvaluator& levels, const std::string& from, const std::string& to, bool byDevice);
// The studies of `filter` (a period, a site): only the figures statistics need are read.
std::vector<DrlRow> drlAudit(store::StudyStore& store, const rules::LevelEvaluator& levels,
                             const store::StudyFilter& filter, bool byDevice);

// Rows of `studies` (already loaded) the same way.
std::vector<DrlRow> drlAudit(const std::vector<store::StudyFigures>& studies, const rules::LevelEvaluator& levels,
                             bool byDevice);
std::vector<DrlRow> drlAudit(const std::vector<store::StudyRecord>& studies, const rules::LevelEvaluator& levels,
                             bool byDevice);

// The audited figures of a study in the units shown (shots, s, s, Gy·cm², mGy).
rules::MetricValues metricsOf(const store::StudyFigures& study);

// What a device is called in listings: its station name, else its model.
std::string deviceLabel(const DeviceInfo& device);

} // namespace fa
