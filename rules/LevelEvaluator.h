// The StudyEvaluator of a reference table version and the site's rule settings.
#pragma once

#include "core/Evaluation.h"
#include "rules/Evaluator.h"
#include "rules/ReferenceTable.h"

namespace fa::rules {

constexpr const char* kUnclassified = "unclassified";

class LevelEvaluator : public StudyEvaluator {
public:
    LevelEvaluator(ReferenceTable table, int tableVersion, RuleSettings settings);

    void applyDeviceProfile(const DeviceInfo& device, StudySummary& summary) const override;
    // The device profile ([device_profile.NAME]) of `device`, or nullptr.
    const DeviceProfile* profileFor(const DeviceInfo& device) const;
    StudyEvaluation evaluate(const StudyInfo& study, const DeviceInfo& device,
                             const StudySummary& summary) const override;
    std::vector<StudyFlag> cumulative(const PatientStudyFigures& study,
                                      const std::vector<PatientStudyFigures>& patientStudies) const override;
    bool cumulativeCouldFlag(const std::vector<PatientStudyFigures>& studies) const override;
    int cumulativeWindowDays() const override { return settings_.cumulativeWindowDays; }

    const ReferenceTable& table() const { return table_; }
    int tableVersion() const { return version_; }
    const RuleSettings& settings() const { return settings_; }

private:
    ReferenceTable table_;
    int version_;
    RuleSettings settings_;
};

// The example table shipped with fluoroaudit (deploy/reference-levels.csv), built into the binary.
const char* builtInReferenceTable();

} // namespace fa::rules
