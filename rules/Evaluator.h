// Flags of one study against the active reference table and the fixed substantial levels.
// A value strictly greater than a level raises the flag; equal does not.
#pragma once

#include "core/Evaluation.h"
#include "rules/ReferenceTable.h"
#include "rules/StaffDose.h"

#include <string>
#include <vector>

namespace fa::rules {

// A C-arm without a dose meter, as the department measured it.
struct DeviceProfile {
    std::string name;
    std::string device;          // Station Name, Device Serial Number or Model Name
    double secondsPerShot = 0;   // e.g. 0.75 for an ARCADIS Varic in single-shot mode
    double doseRate_uSv_per_h = 0; // dose-equivalent rate measured at the table surface on this device
    // Else the study's table-surface rate for where the intensifier is (rules/PatientDose.h).
    Intensifier intensifier = Intensifier::Above;
    double intensifierDistance_cm = 40;
};

struct RuleSettings {
    double investigationMultiplier = 2.0;
    // NCRP 168 substantial radiation dose levels (patient follow-up).
    double substantialKar_mGy = 5000;
    double substantialDap_Gycm2 = 500;
    double substantialFluoroTime_s = 3600;
    double substantialPsd_mGy = 3000; // peak skin dose
    int cumulativeWindowDays = 60;
    std::vector<DeviceProfile> deviceProfiles;
};

struct Flag {
    std::string kind;   // above-reference, investigation, substantial, cumulative
    Metric metric = Metric::Shots;
    double value = 0;   // in the metric's unit
    double level = 0;
    std::vector<std::string> studies; // cumulative: the studies summed
};

// above-reference / investigation for the levels of `row` (the stronger one per metric) and
// substantial for the fixed levels; `row` may be null (unclassified: only substantial flags).
std::vector<Flag> evaluate(const MetricValues& values, const ReferenceRow* row, const RuleSettings& settings);

// The substantial flag of a peak skin dose (metric psd_mgy, mGy) over its NCRP 168 level.
std::optional<StudyFlag> substantialSkinDose(const std::optional<double>& psd_Gy, const RuleSettings& settings);

// One patient's study as the cumulative rule sees it.
struct PatientStudy {
    std::string studyUid;
    std::string studyDate; // YYYY-MM-DD
    std::optional<double> dap_Gycm2, kar_mGy;
    std::optional<double> psd_mGy = std::nullopt; // peak skin dose
};

// The cumulative flags of `study`: Ka,r and DAP of the patient's studies dated within the window
// ending on its date (window days, the study's own day included), against the substantial levels.
std::vector<Flag> cumulative(const PatientStudy& study, const std::vector<PatientStudy>& patientStudies,
                             const RuleSettings& settings);
// The cumulative skin dose of `study`: the peak skin doses of the patient's studies in the same window
// summed, an upper bound (their fields need not fall on the same skin), against the substantial PSD;
// metric psd_mgy. None for fewer than two studies with a PSD.
std::optional<StudyFlag> cumulativeSkinDose(const PatientStudy& study, const std::vector<PatientStudy>& patientStudies,
                                            const RuleSettings& settings);

} // namespace fa::rules
