#include "rules/Evaluator.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timespan.h>

namespace fa::rules {

namespace {

std::optional<Poco::DateTime> parseDate(const std::string& iso) {
    Poco::DateTime d;
    int tz = 0;
    if (iso.size() != 10 || !Poco::DateTimeParser::tryParse("%Y-%m-%d", iso, d, tz)) return std::nullopt;
    return d;
}

} // namespace

std::vector<Flag> evaluate(const MetricValues& values, const ReferenceRow* row, const RuleSettings& settings) {
    std::vector<Flag> flags;
    if (row) {
        for (Metric m : kMetrics) {
            const auto& level = row->levels[index(m)];
            const auto& value = values[index(m)];
            if (!level || !value) continue;
            const double investigation = *level * settings.investigationMultiplier;
            if (*value > investigation) flags.push_back({"investigation", m, *value, investigation, {}});
            else if (*value > *level) flags.push_back({"above-reference", m, *value, *level, {}});
        }
    }
    const std::pair<Metric, double> substantial[] = {{Metric::Kar_mGy, settings.substantialKar_mGy},
                                                     {Metric::Dap_Gycm2, settings.substantialDap_Gycm2},
                                                     {Metric::FluoroTime_s, settings.substantialFluoroTime_s}};
    for (const auto& [m, level] : substantial)
        if (values[index(m)] && *values[index(m)] > level) flags.push_back({"substantial", m, *values[index(m)], level, {}});
    return flags;
}

std::vector<Flag> cumulative(const PatientStudy& study, const std::vector<PatientStudy>& patientStudies,
                             const RuleSettings& settings) {
    const auto end = parseDate(study.studyDate);
    if (!end) return {};
    const Poco::DateTime start = *end - Poco::Timespan(settings.cumulativeWindowDays - 1, 0, 0, 0, 0);
    double dap = 0, kar = 0;
    bool anyDap = false, anyKar = false;
    std::vector<std::string> summed;
    for (const auto& s : patientStudies) {
        const auto d = parseDate(s.studyDate);
        if (!d || *d < start || *d > *end) continue;
        summed.push_back(s.studyUid);
        if (s.dap_Gycm2) dap += *s.dap_Gycm2, anyDap = true;
        if (s.kar_mGy) kar += *s.kar_mGy, anyKar = true;
    }
    std::vector<Flag> flags;
    if (summed.size() < 2) return flags; // one study alone is the substantial rule's business
    if (anyKar && kar > settings.substantialKar_mGy)
        flags.push_back({"cumulative", Metric::Kar_mGy, kar, settings.substantialKar_mGy, summed});
    if (anyDap && dap > settings.substantialDap_Gycm2)
        flags.push_back({"cumulative", Metric::Dap_Gycm2, dap, settings.substantialDap_Gycm2, summed});
    return flags;
}

} // namespace fa::rules

namespace fa::rules {

std::optional<StudyFlag> substantialSkinDose(const std::optional<double>& psd_Gy, const RuleSettings& settings) {
    if (!psd_Gy || *psd_Gy * 1e3 <= settings.substantialPsd_mGy) return std::nullopt;
    StudyFlag f;
    f.kind = "substantial";
    f.metric = "psd_mgy";
    f.value = *psd_Gy * 1e3;
    f.level = settings.substantialPsd_mGy;
    return f;
}

} // namespace fa::rules

namespace fa::rules {

std::optional<StudyFlag> cumulativeSkinDose(const PatientStudy& study, const std::vector<PatientStudy>& patientStudies,
                                            const RuleSettings& settings) {
    const auto end = parseDate(study.studyDate);
    if (!end) return std::nullopt;
    const Poco::DateTime start = *end - Poco::Timespan(settings.cumulativeWindowDays - 1, 0, 0, 0, 0);
    double psd = 0;
    std::vector<std::string> summed;
    for (const auto& s : patientStudies) {
        const auto d = parseDate(s.studyDate);
        if (!d || *d < start || *d > *end || !s.psd_mGy) continue;
        summed.push_back(s.studyUid);
        psd += *s.psd_mGy;
    }
    if (summed.size() < 2 || psd <= settings.substantialPsd_mGy) return std::nullopt;
    StudyFlag f;
    f.kind = "cumulative";
    f.metric = "psd_mgy";
    f.value = psd;
    f.level = settings.substantialPsd_mGy;
    f.studies = summed;
    return f;
}

} // namespace fa::rules
