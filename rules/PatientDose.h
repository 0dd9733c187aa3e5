// The patient's estimate, as the pain department's study made its per-procedure figures (5.0 uSv for
// 53.9 shots of 0.75 s): the exposure time x the dose-equivalent rate measured at the table surface,
// with the image intensifier 20, 40 or 60 cm above or below the table. Not the staff's estimate
// (rules/StaffDose.h), which is about a thousandth of it.
//
// Table-surface rates (deploy/patient-rates.csv):
//   device,intensifier,distance_cm,rate_usv_per_h[,source]
// A device profile ([device_profile.NAME]) says where its intensifier is (intensifier,
// intensifier_distance_cm; default above at 40 cm: 448.0 uSv/h, the study's figures), or gives a
// rate measured on the device itself (dose_rate_usv_per_h), which then counts instead.
#pragma once

#include "core/DoseObject.h"
#include "rules/Evaluator.h"
#include "rules/ReferenceTable.h"
#include "rules/StaffDose.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa::rules {

struct SurfaceRate {
    int line = 0;
    std::string device; // "" any device
    Intensifier intensifier = Intensifier::Above;
    double distance_cm = 40;
    double rate_uSv_per_h = 0;
    std::string source;
};

class SurfaceRates {
public:
    static std::optional<SurfaceRates> parse(std::string_view csv, std::vector<TableProblem>& problems);
    const std::vector<SurfaceRate>& rows() const { return rows_; }
    // The device's own row first, then one for any device; nullptr when none fits.
    const SurfaceRate* rateFor(const DeviceInfo& device, Intensifier intensifier, double distance_cm) const;

private:
    std::vector<SurfaceRate> rows_;
};

// The study's six table-surface rates as shipped (deploy/patient-rates.csv).
const SurfaceRates& builtInSurfaceRates();

struct PatientEstimate {
    Intensifier intensifier = Intensifier::Above;
    double distance_cm = 40;
    std::string profile;        // the device profile that set the position or rate ("" the default)
    bool measuredOnDevice = false; // the profile's own dose_rate_usv_per_h
    std::optional<double> rate_uSv_per_h;
    std::optional<double> exposureTime_s;
    std::optional<double> dose_uSv;
    std::string source;  // of the rate
    std::string missing; // why there is no estimate: rate or exposure-time
};

PatientEstimate estimatePatientDose(const DeviceInfo& device, std::optional<double> exposureTime_s,
                                    const DeviceProfile* profile, const SurfaceRates& rates = builtInSurfaceRates());

} // namespace fa::rules
