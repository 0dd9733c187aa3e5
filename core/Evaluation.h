// What the store asks of the rules when a study changes: its procedure and its flags. The store
// sees only this interface; rules/ implements it.
#pragma once

#include "core/DoseObject.h"
#include "core/StudySummary.h"

#include <optional>
#include <string>
#include <vector>

namespace fa {

struct StudyFlag {
    bool sameAs(const StudyFlag& o) const {
        return kind == o.kind && metric == o.metric && value == o.value && level == o.level &&
               tableVersion == o.tableVersion && studies == o.studies;
    }

    std::string kind;   // above-reference, investigation, substantial, cumulative
    std::string metric; // shots, fluoro_time_s, exposure_time_s, dap_gycm2, kar_mgy
    double value = 0;
    double level = 0;
    std::optional<int> tableVersion;  // for the reference-level kinds
    std::vector<std::string> studies; // cumulative: the studies summed
    std::string reviewState = "unreviewed";
    std::string raisedAt; // when first raised (ISO 8601 UTC), kept while the flag stays raised
};

struct StudyEvaluation {
    std::string procedureId; // "unclassified" when no row matches
    std::string procedureName;
    std::vector<StudyFlag> flags; // the study's own (not cumulative)
};

struct PatientStudyFigures {
    std::string studyUid;
    std::string studyDate; // YYYY-MM-DD
    std::optional<double> dap_Gym2, doseRp_Gy;
    std::optional<double> psd_Gy;
};

class StudyEvaluator {
public:
    virtual ~StudyEvaluator() = default;
    // Applies the device's profile, if it has one, before the summary is stored: an estimated
    // exposure time for image-only studies without one, and the estimated patient dose.
    virtual void applyDeviceProfile(const DeviceInfo& device, StudySummary& summary) const = 0;
    virtual StudyEvaluation evaluate(const StudyInfo& study, const DeviceInfo& device,
                                     const StudySummary& summary) const = 0;
    // Cumulative flags of `study` among its patient's studies (at least those of its window).
    virtual std::vector<StudyFlag> cumulative(const PatientStudyFigures& study,
                                              const std::vector<PatientStudyFigures>& patientStudies) const = 0;
    // False when even all of `studies` together stay within the levels, so that no window of them
    // can raise a cumulative flag.
    virtual bool cumulativeCouldFlag(const std::vector<PatientStudyFigures>& studies) const = 0;
    // Days summed by the cumulative rule, the study's own day included.
    virtual int cumulativeWindowDays() const = 0;
};

} // namespace fa
