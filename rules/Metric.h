// The audited metrics, named as the reference-level CSV names its columns, in the units people use.
#pragma once

#include "core/StudySummary.h"

#include <array>
#include <optional>
#include <string>

namespace fa::rules {

enum class Metric { Shots, FluoroTime_s, ExposureTime_s, Dap_Gycm2, Kar_mGy };
constexpr std::array<Metric, 5> kMetrics{Metric::Shots, Metric::FluoroTime_s, Metric::ExposureTime_s, Metric::Dap_Gycm2,
                                         Metric::Kar_mGy};

const char* metricName(Metric m); // shots, fluoro_time_s, exposure_time_s, dap_gycm2, kar_mgy
std::optional<Metric> metricFromName(const std::string& name);

using MetricValues = std::array<std::optional<double>, 5>; // indexed by Metric
MetricValues metricsOf(const StudySummary& summary);       // shots, s, s, Gy.cm2, mGy
inline std::size_t index(Metric m) { return static_cast<std::size_t>(m); }

} // namespace fa::rules
