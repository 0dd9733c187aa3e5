// The staff dose estimate's tables and figures (rules/StaffDose.h) over the store.
#include "pipeline/Pipeline.h"

#include "core/Error.h"

namespace fa {

namespace {

constexpr const char* kRates = "rates";
constexpr const char* kProfiles = "profiles";

// The active table of `kind`: the newest stored version, else the shipped one. A stored version
// that no longer reads (it was checked when stored) falls back to the shipped one too.
template <class Table>
Table active(store::StudyStore& store, const char* kind, const char* shipped, store::ReferenceTableVersion& version) {
    std::vector<rules::TableProblem> problems;
    if (auto stored = store.activeStaffTable(kind)) {
        if (auto table = Table::parse(stored->csv, problems)) {
            version = *stored;
            return std::move(*table);
        }
        problems.clear();
    }
    version = store::ReferenceTableVersion{0, "", "shipped with fluoroaudit", shipped, ""};
    auto table = Table::parse(shipped, problems);
    if (!table) throw Error(std::string("the shipped staff ") + kind + " table does not read: " + rules::describe(problems.front()));
    return std::move(*table);
}

} // namespace

Pipeline::StaffTables Pipeline::staffTables() {
    store::ReferenceTableVersion rv, pv;
    auto rates = active<rules::StaffRates>(store_, kRates, rules::builtInStaffRates(), rv);
    auto profiles = active<rules::OperatorProfiles>(store_, kProfiles, rules::builtInOperatorProfiles(), pv);
    return StaffTables{std::move(rates), std::move(profiles), rv, pv};
}

Pipeline::TableActivation Pipeline::activateStaffTable(const std::string& kind, const std::string& csv,
                                                       const std::string& source) {
    TableActivation a;
    const StaffTables current = staffTables();
    std::string canonical, active;
    if (kind == kRates) {
        const auto table = rules::StaffRates::parse(csv, a.problems);
        if (!table) return a;
        canonical = table->toCsv();
        active = current.rates.toCsv();
        a.version = current.ratesVersion.version;
    } else if (kind == kProfiles) {
        const auto table = rules::OperatorProfiles::parse(csv, a.problems);
        if (!table) return a;
        canonical = table->toCsv();
        active = current.profiles.toCsv();
        a.version = current.profilesVersion.version;
    } else {
        throw Error("no staff table '" + kind + "' (rates or profiles)");
    }
    // The same rows again (however written) are no new version.
    if (canonical == active) {
        a.unchanged = true;
        return a;
    }
    a.version = store_.addStaffTable(kind, csv, source);
    return a;
}

rules::StaffYear Pipeline::staffYear(const StaffTables& tables, int year, const std::string& upTo) {
    store::StudyFilter filter;
    filter.fromDate = std::to_string(year) + "-01-01";
    filter.toDate = std::to_string(year) + "-12-31";
    if (!upTo.empty() && upTo < filter.toDate) filter.toDate = upTo;
    std::vector<rules::StaffStudy> studies;
    store::FigureParts parts; // no site
    parts.site = false;
    for (auto& f : store_.figures(filter, parts)) {
        rules::StaffStudy s;
        s.studyDate = std::move(f.studyDate);
        s.procedureId = std::move(f.procedureId);
        s.operators = std::move(f.operators);
        s.device = std::move(f.device);
        s.exposureTime_s = f.exposureTime_s;
        studies.push_back(std::move(s));
    }
    return rules::staffYear(studies, tables.rates, tables.profiles);
}

std::vector<rules::StaffEstimate> Pipeline::staffEstimates(const store::StudyRecord& study) {
    const StaffTables tables = staffTables();
    return rules::estimateStaffDose(study.study.operators, study.device, study.summary.exposureTime_s, tables.rates,
                                    tables.profiles);
}

rules::PatientEstimate Pipeline::patientEstimate(const store::StudyRecord& study) const {
    return rules::estimatePatientDose(study.device, study.summary.exposureTime_s, evaluator_->profileFor(study.device));
}

} // namespace fa
