// The staff dose estimate, as the pain department's study made it: ambient dose-equivalent rates
// measured around a C-arm, by distance, protection and tube position, and where each operator
// stands; an operator's estimated dose for a study = the study's exposure time x the rate at the
// operator's position. An estimate, not a dosimeter reading: every figure keeps its inputs. These
// are the rates at the staff's positions (0.07-0.6 uSv/h in the study), not the table-surface
// rates that model the patient (rules/PatientDose.h).
//
// Rates (one CSV, like the reference levels):
//   device,distance_m,protection,intensifier,rate_usv_per_h[,source]
// `device` names a station, serial or model (empty: any device, used when no row of the study's own
// device fits); distance 0 is at the table side; protection is none, apron, screen-centre,
// screen-edge or outside-screen; intensifier above or below the table (empty: either).
// Operator profiles:
//   operator,distance_m,protection,intensifier
// `operator` as the equipment writes it in Operators' Name or Performing Physician's Name (case and
// the ^ of person names do not matter); the row with an empty operator is everyone else's.
#pragma once

#include "core/DoseObject.h"
#include "rules/ReferenceTable.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa::rules {

enum class Protection { None, Apron, ScreenCentre, ScreenEdge, OutsideScreen };
enum class Intensifier { Any, Above, Below };

const char* protectionName(Protection p);  // none, apron, screen-centre, ...
const char* intensifierName(Intensifier i); // "", above, below
std::optional<Protection> protectionNamed(const std::string& name);

struct Position {
    double distance_m = 0;
    Protection protection = Protection::None;
    Intensifier intensifier = Intensifier::Any;
};

struct StaffRate {
    int line = 0;
    std::string device;
    Position position;
    double rate_uSv_per_h = 0;
    std::string source; // where the figure comes from (optional column)
};

struct OperatorProfile {
    int line = 0;
    std::string operatorName; // "" for everyone not named
    Position position;
};

class StaffRates {
public:
    static std::optional<StaffRates> parse(std::string_view csv, std::vector<TableProblem>& problems);
    const std::vector<StaffRate>& rows() const { return rows_; }
    // The rate for `position` at `device`: a row of the device itself first, then one for any
    // device; the intensifier must agree unless either side leaves it open (open in the position:
    // the higher of the rates above and below, a conservative figure). nullptr when none.
    const StaffRate* rateFor(const DeviceInfo& device, const Position& position) const;
    std::string toCsv() const;

private:
    std::vector<StaffRate> rows_;
};

class OperatorProfiles {
public:
    static std::optional<OperatorProfiles> parse(std::string_view csv, std::vector<TableProblem>& problems);
    const std::vector<OperatorProfile>& rows() const { return rows_; }
    // The operator's own row, else the row for everyone (nullptr when neither exists).
    const OperatorProfile* profileOf(const std::string& operatorName) const;
    std::string toCsv() const;

private:
    std::vector<OperatorProfile> rows_;
};

// The study's own measurements as shipped (deploy/staff-rates.csv, deploy/operator-profiles.csv).
const char* builtInStaffRates();
const char* builtInOperatorProfiles();

// An operator's name as compared and shown: ^ as spaces, runs of spaces as one, trimmed.
std::string operatorKey(const std::string& name);
// The operators of a study ("; "-separated Operators' Name and Performing Physician's Name), each
// once; empty when none is named.
std::vector<std::string> operatorsOf(const std::string& operators);

struct StaffEstimate {
    std::string operatorName;           // "" when the study names no operator
    std::optional<Position> position;   // from the operator's profile
    bool defaultProfile = false;        // the profile for everyone
    std::optional<double> rate_uSv_per_h;
    std::optional<double> exposureTime_s;
    std::optional<double> dose_uSv;     // exposure time x rate
    std::string missing;                // why there is no estimate: profile, rate or exposure-time
};

// One estimate per operator of the study (or one for an unnamed operator).
std::vector<StaffEstimate> estimateStaffDose(const std::string& operators, const DeviceInfo& device,
                                             std::optional<double> exposureTime_s, const StaffRates& rates,
                                             const OperatorProfiles& profiles);

// An operator's estimated doses over a year, by month.
struct OperatorYear {
    std::string operatorName; // "" for studies that name no operator
    std::array<double, 12> month_uSv{};
    std::array<int, 12> studies{};
    double total_uSv = 0;
    int withoutEstimate = 0; // studies of the operator that had no estimate
};

struct StaffStudy {
    std::string studyDate; // YYYY-MM-DD
    std::string procedureId; // "" unclassified
    std::string operators;
    DeviceInfo device;
    std::optional<double> exposureTime_s;
};

// Per procedure, every estimate of an operator in a study: how many, their mean and median (the
// study's own figures per procedure: 5.0 uSv for 53.9 shots at the table).
struct ProcedureStaff {
    std::string procedureId; // "" unclassified
    std::size_t estimates = 0;
    double mean_uSv = 0, median_uSv = 0, max_uSv = 0;
};

struct StaffYear {
    std::vector<OperatorYear> operators;   // ordered by total, highest first
    std::vector<ProcedureStaff> procedures; // by procedure id
};

// Every operator and procedure of `studies` (those of one year).
StaffYear staffYear(const std::vector<StaffStudy>& studies, const StaffRates& rates, const OperatorProfiles& profiles);

} // namespace fa::rules
