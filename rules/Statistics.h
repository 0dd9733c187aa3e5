// Per procedure and metric: the figures of the DRL audit (ICRP 135).
#pragma once

#include "core/Text.h"

#include <map>
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
    Text noSuggestionBecause;           // when there is none
};

constexpr std::size_t kMinCasesForDrl = 20;

// `values` must not be empty.
MetricStatistics statisticsOf(const std::vector<double>& values, const std::optional<double>& level);

// The regional DRL survey of a group (ICRP 135): each facility's median of a procedure and metric,
// and the regional DRL, the 75th percentile of those medians. A facility's median counts when it
// rests on kMinCasesPerSite cases (ICRP 135 asks for at least 10 patients, preferably 20 or more);
// a regional DRL needs kMinSitesForRegionalDrl facilities that count.
constexpr std::size_t kMinCasesPerSite = 10;
constexpr std::size_t kMinSitesForRegionalDrl = 3;

struct SiteStatistics {
    std::string site;
    std::size_t n = 0;
    double median = 0, p75 = 0;
    bool counted = false; // enough cases for its median to count
    bool aboveRegionalDrl = false;
};

struct RegionalStatistics {
    std::vector<SiteStatistics> sites; // every site with cases, by name
    std::size_t sitesCounted = 0;
    std::optional<double> regionalDrl;
    std::string noDrlBecause; // when there is none
};

// `valuesBySite`: each site's values (none empty), by site name.
RegionalStatistics regionalStatisticsOf(const std::map<std::string, std::vector<double>>& valuesBySite);

} // namespace fa::rules
