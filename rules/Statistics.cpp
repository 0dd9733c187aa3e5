#include "rules/Statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fa::rules {

double percentileInc(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const double rank = p * static_cast<double>(values.size() - 1);
    const auto lower = static_cast<std::size_t>(std::floor(rank));
    const std::size_t upper = std::min(lower + 1, values.size() - 1);
    return values[lower] + (rank - static_cast<double>(lower)) * (values[upper] - values[lower]);
}

MetricStatistics statisticsOf(const std::vector<double>& values, const std::optional<double>& level) {
    MetricStatistics s;
    s.n = values.size();
    s.median = percentileInc(values, 0.5);
    s.p75 = percentileInc(values, 0.75);
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    s.max = *std::max_element(values.begin(), values.end());
    s.level = level;
    s.medianAboveLevel = level && s.median > *level;
    if (s.n >= kMinCasesForDrl) s.suggestedDrl = s.p75;
    else
        s.noSuggestionBecause =
            text("drl.tooFew", {{"n", std::to_string(s.n)}, {"min", std::to_string(kMinCasesForDrl)}});
    return s;
}

RegionalStatistics regionalStatisticsOf(const std::map<std::string, std::vector<double>>& valuesBySite) {
    RegionalStatistics r;
    std::vector<double> medians;
    for (const auto& [site, values] : valuesBySite) {
        SiteStatistics s;
        s.site = site;
        s.n = values.size();
        s.median = percentileInc(values, 0.5);
        s.p75 = percentileInc(values, 0.75);
        s.counted = s.n >= kMinCasesPerSite;
        if (s.counted) medians.push_back(s.median);
        r.sites.push_back(s);
    }
    r.sitesCounted = medians.size();
    if (r.sitesCounted < kMinSitesForRegionalDrl) {
        r.noDrlBecause = std::to_string(r.sitesCounted) + " site(s) with at least " + std::to_string(kMinCasesPerSite) +
                         " cases; a regional DRL needs " + std::to_string(kMinSitesForRegionalDrl);
        return r;
    }
    r.regionalDrl = percentileInc(medians, 0.75);
    for (auto& s : r.sites) s.aboveRegionalDrl = s.counted && s.median > *r.regionalDrl;
    return r;
}

} // namespace fa::rules
