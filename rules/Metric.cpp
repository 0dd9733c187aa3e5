#include "core/Units.h"
#include "rules/Metric.h"

namespace fa::rules {

const char* metricName(Metric m) {
    switch (m) {
    case Metric::Shots: return "shots";
    case Metric::FluoroTime_s: return "fluoro_time_s";
    case Metric::ExposureTime_s: return "exposure_time_s";
    case Metric::Dap_Gycm2: return "dap_gycm2";
    case Metric::Kar_mGy: return "kar_mgy";
    }
    return "";
}

std::optional<Metric> metricFromName(const std::string& name) {
    for (Metric m : kMetrics)
        if (name == metricName(m)) return m;
    return std::nullopt;
}

MetricValues metricsOf(const StudySummary& s) {
    MetricValues v;
    if (s.irradiationEvents) v[index(Metric::Shots)] = static_cast<double>(*s.irradiationEvents);
    v[index(Metric::FluoroTime_s)] = s.fluoroTime_s;
    v[index(Metric::ExposureTime_s)] = s.exposureTime_s;
    if (s.dap_Gym2) v[index(Metric::Dap_Gycm2)] = units::toGycm2(*s.dap_Gym2);
    if (s.doseRp_Gy) v[index(Metric::Kar_mGy)] = units::toMilliGray(*s.doseRp_Gy);
    return v;
}

} // namespace fa::rules
