// The JSON form (docs/json.md) of the staff dose estimate: each operator's estimate of a study, an
// operator's year by month against the annual level, and the tables with their versions. The
// command line's --json, the REST API and the nightly report use exactly these.
#pragma once

#include "present/Json.h"
#include "rules/PatientDose.h"
#include "rules/StaffDose.h"
#include "store/StudyStore.h"

namespace fa::present {

// {operator, default_profile, distance_m, protection, intensifier, rate_usv_per_h,
//  exposure_time_s, dose_usv, missing}
Poco::JSON::Array::Ptr staffEstimatesJson(const std::vector<rules::StaffEstimate>& estimates);

// {dose_usv, rate_usv_per_h, exposure_time_s, intensifier, distance_cm, profile, measured_on_device,
//  source, missing}: the patient's estimate at the table surface (rules/PatientDose.h).
Poco::JSON::Object::Ptr patientEstimateJson(const rules::PatientEstimate& estimate);

// {year, annual_level_usv, rates: version, profiles: version,
//  operators: [{operator, total_usv, of_annual_level, months_usv[12], studies[12], without_estimate}],
//  procedures: [{procedure_id, estimates, mean_usv, median_usv, max_usv}]}
Poco::JSON::Object::Ptr staffYearJson(int year, const rules::StaffYear& figures,
                                      double annualLevel_mSv, const store::ReferenceTableVersion& rates,
                                      const store::ReferenceTableVersion& profiles);

// A table with its version and rows (and the CSV as stored).
Poco::JSON::Object::Ptr staffRatesJson(const rules::StaffRates& table, const store::ReferenceTableVersion& version);
Poco::JSON::Object::Ptr operatorProfilesJson(const rules::OperatorProfiles& table,
                                             const store::ReferenceTableVersion& version);

} // namespace fa::present
