// The stable JSON form of studies (documented in docs/json.md). Unknown values are null.
#pragma once

#include "present/Json.h"
#include "rules/PatientDose.h"
#include "rules/StaffDose.h"
#include "core/SkinDose.h"
#include "store/StudyStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iosfwd>

namespace fa::present {

// Warnings' messages in `language` (the command line's English; the API's caller's).
Poco::JSON::Object::Ptr studyToJson(const store::StudyRecord& study, Language language = Language::English);
Poco::JSON::Array::Ptr flagsJson(const std::vector<StudyFlag>& flags);
// The study plus its events and source objects, as `show --json` prints it.
// `staff`: each operator's staff dose estimate, `patient`: the patient's (present/StaffJson.h).
Poco::JSON::Object::Ptr studyDetailToJson(const store::StudyRecord& study, const std::vector<DoseObject>& objects,
                                          const std::vector<rules::StaffEstimate>& staff,
                                          const rules::PatientEstimate& patient,
                                          const std::optional<SkinDoseResult>& skin,
                                          Language language = Language::English);
// A biplane study's figures per plane (A, B): each counted object's accumulated totals of the plane,
// else its events of the plane; none for a study of one plane.
struct PlaneFigures {
    Plane plane = Plane::Unknown;
    long long events = 0;
    std::optional<double> dap_Gym2, doseRp_Gy;
};
std::vector<PlaneFigures> perPlaneFigures(const store::StudyRecord& study, const std::vector<DoseObject>& objects);

// The study's skin dose (docs/json.md, `skin_dose`).
Poco::JSON::Object::Ptr skinDoseJson(const SkinDoseResult& skin);

} // namespace fa::present
