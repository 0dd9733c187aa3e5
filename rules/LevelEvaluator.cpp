#include "core/Units.h"
#include "rules/LevelEvaluator.h"
#include "rules/PatientDose.h"

#include "rules/BuiltInTable.h"

#include <Poco/String.h>

namespace fa::rules {

namespace {
StudyFlag toStudyFlag(const Flag& f, std::optional<int> version) {
    return StudyFlag{f.kind, metricName(f.metric), f.value, f.level, version, f.studies, "unreviewed", ""};
}
} // namespace

const char* builtInReferenceTable() { return kBuiltInReferenceTable; }

LevelEvaluator::LevelEvaluator(ReferenceTable table, int tableVersion, RuleSettings settings)
    : table_(std::move(table)), version_(tableVersion), settings_(settings) {}

const DeviceProfile* LevelEvaluator::profileFor(const DeviceInfo& device) const {
    auto same = [](const std::string& a, const std::string& b) { return !a.empty() && Poco::icompare(a, b) == 0; };
    for (const auto& p : settings_.deviceProfiles)
        if (same(device.station, p.device) || same(device.serial, p.device) || same(device.model, p.device)) return &p;
    return nullptr;
}

void LevelEvaluator::applyDeviceProfile(const DeviceInfo& device, StudySummary& summary) const {
    const DeviceProfile* profile = profileFor(device);
    if (profile && summary.source == SourceKind::ImageHeaders && !summary.exposureTime_s && summary.irradiationEvents &&
        profile->secondsPerShot > 0) {
        summary.exposureTime_s = static_cast<double>(*summary.irradiationEvents) * profile->secondsPerShot;
        summary.exposureTimeEstimated = true;
    }
    // The patient's estimate, for every study with an exposure time (the default position without a profile).
    summary.estimatedDose_uSv = estimatePatientDose(device, summary.exposureTime_s, profile).dose_uSv;
}

StudyEvaluation LevelEvaluator::evaluate(const StudyInfo& study, const DeviceInfo& device,
                                         const StudySummary& summary) const {
    StudyEvaluation e;
    const ReferenceRow* row = table_.classify({&study, &device});
    e.procedureId = row ? row->procedureId : kUnclassified;
    e.procedureName = row ? row->name : "";
    for (const Flag& f : rules::evaluate(metricsOf(summary), row, settings_))
        e.flags.push_back(toStudyFlag(f, f.kind == "substantial" ? std::nullopt : std::optional<int>(version_)));
    if (auto skin = substantialSkinDose(summary.psd_Gy, settings_)) e.flags.push_back(std::move(*skin));
    return e;
}

bool LevelEvaluator::cumulativeCouldFlag(const std::vector<PatientStudyFigures>& studies) const {
    if (studies.size() < 2) return false;
    double dap = 0, kar = 0, psd = 0;
    for (const auto& s : studies) {
        dap += units::toGycm2(s.dap_Gym2.value_or(0.0));
        kar += units::toMilliGray(s.doseRp_Gy.value_or(0.0));
        psd += units::toMilliGray(s.psd_Gy.value_or(0.0));
    }
    return dap > settings_.substantialDap_Gycm2 || kar > settings_.substantialKar_mGy || psd > settings_.substantialPsd_mGy;
}

std::vector<StudyFlag> LevelEvaluator::cumulative(const PatientStudyFigures& study,
                                                  const std::vector<PatientStudyFigures>& patientStudies) const {
    auto convert = [](const PatientStudyFigures& p) {
        return PatientStudy{p.studyUid, p.studyDate, units::toGycm2(p.dap_Gym2), units::toMilliGray(p.doseRp_Gy),
                            units::toMilliGray(p.psd_Gy)};
    };
    std::vector<PatientStudy> all;
    for (const auto& p : patientStudies) all.push_back(convert(p));
    std::vector<StudyFlag> out;
    for (const Flag& f : rules::cumulative(convert(study), all, settings_)) out.push_back(toStudyFlag(f, std::nullopt));
    if (auto skin = cumulativeSkinDose(convert(study), all, settings_)) out.push_back(std::move(*skin));
    return out;
}

} // namespace fa::rules
