// Per procedure and metric: the figures of the DRL audit (ICRP 135).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fa::rules {

// Spreadsheet PERCENTILE.INC: linear interpolation between closest ranks, p in [0, 1].
double percentileInc(std::vector<double> values, double p);

struct MetricStatistics {
    std::size_t n = 0;
    double median = 0, p75 = 0, mean = 0, max = 0;
    std::optional<double> level;
    bool medianAboveLevel = false;
    std::optional<double> suggestedDrl; // the 75th percentile, given enough cases
    std::string noSuggestionBecause;    // when there is none
};

constexpr std::size_t kMinCasesForDrl = 20;

// `values` must not be empty.
MetricStatistics statisticsOf(const std::vector<double>& values, const std::optional<double>& level);

} // namespace fa::rules
