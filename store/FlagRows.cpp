#include "store/FlagRows.h"

#include "store/Rows.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <map>
#include <tuple>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

using FlagKey = std::tuple<std::string, std::string>; // kind, metric

// Replaces the flags of `studyUid` whose kind is (or, with `cumulativeOnly` false, is not)
// cumulative, keeping the review state of a flag raised again.
void replaceFlags(Poco::Data::Session& s, const std::string& studyUid, std::vector<StudyFlag> flags,
                  bool cumulativeOnly, const std::string& raisedAt) {
    std::map<FlagKey, std::string> states;
    for (const auto& f : readFlags(s, studyUid)) states[{f.kind, f.metric}] = f.reviewState;
    const std::string cond = cumulativeOnly ? "kind = 'cumulative'" : "kind <> 'cumulative'";
    s << "DELETE FROM flags WHERE study_uid = ? AND " + cond, bind(studyUid), now;
    int seq = 0;
    s << "SELECT COALESCE(MAX(seq), -1) + 1 FROM flags WHERE study_uid = ?", bind(studyUid), into(seq), now;
    for (auto& f : flags) {
        if (auto it = states.find({f.kind, f.metric}); it != states.end()) f.reviewState = it->second;
        const Poco::Nullable<int> version = f.tableVersion ? Poco::Nullable<int>(*f.tableVersion) : Poco::Nullable<int>();
        s << "INSERT INTO flags (study_uid, seq, kind, metric, value, level, table_version, studies, review_state, "
             "raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            bind(studyUid), bind(seq++), bind(f.kind), bind(f.metric), bind(f.value), bind(f.level), bind(version),
            bind(joinList(f.studies)), bind(f.reviewState), bind(raisedAt), now;
    }
}

std::vector<PatientStudyFigures> patientStudies(Poco::Data::Session& s, const std::string& patientKey) {
    Statement select(s);
    std::string key = patientKey;
    select << "SELECT study_uid, study_date, dap_gym2, dose_rp_gy FROM studies WHERE patient_key = ? "
              "ORDER BY study_date, study_uid",
        use(key), now;
    RecordSet rs(select);
    std::vector<PatientStudyFigures> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        PatientStudyFigures p;
        p.studyUid = rs.value(0, r).convert<std::string>();
        p.studyDate = rs.isNull(1, r) ? "" : rs.value(1, r).convert<std::string>();
        if (!rs.isNull(2, r)) p.dap_Gym2 = rs.value(2, r).convert<double>();
        if (!rs.isNull(3, r)) p.doseRp_Gy = rs.value(3, r).convert<double>();
        out.push_back(p);
    }
    return out;
}

} // namespace

std::vector<StudyFlag> readFlags(Poco::Data::Session& s, const std::string& studyUid) {
    Statement select(s);
    std::string uid = studyUid;
    select << "SELECT kind, metric, value, level, table_version, studies, review_state FROM flags "
              "WHERE study_uid = ? ORDER BY seq",
        use(uid), now;
    RecordSet rs(select);
    std::vector<StudyFlag> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        StudyFlag f;
        f.kind = rs.value(0, r).convert<std::string>();
        f.metric = rs.value(1, r).convert<std::string>();
        f.value = rs.value(2, r).convert<double>();
        f.level = rs.value(3, r).convert<double>();
        if (!rs.isNull(4, r)) f.tableVersion = rs.value(4, r).convert<int>();
        if (!rs.isNull(5, r)) f.studies = splitList(rs.value(5, r).convert<std::string>());
        f.reviewState = rs.value(6, r).convert<std::string>();
        out.push_back(f);
    }
    return out;
}

void evaluateStudy(Poco::Data::Session& s, const std::string& studyUid, const StudyEvaluator& evaluator,
                   const std::string& raisedAt) {
    Statement select(s);
    std::string uid = studyUid;
    select << std::string("SELECT ") + kStudyColumns + " FROM studies WHERE study_uid = ?", use(uid), now;
    RecordSet rs(select);
    if (rs.rowCount() == 0) return;
    const StudyRecord record = readStudyRow(rs, 0);
    const StudyEvaluation e = evaluator.evaluate(record.study, record.device, record.summary);
    s << "UPDATE studies SET procedure_id = ?, procedure_name = ? WHERE study_uid = ?", bind(e.procedureId),
        bind(e.procedureName), bind(studyUid), now;
    replaceFlags(s, studyUid, e.flags, false, raisedAt);

    if (record.patientKey.empty()) return;
    // This study's figures count in the windows of its patient's studies from its date on.
    const auto patient = patientStudies(s, record.patientKey);
    for (const auto& p : patient) {
        if (p.studyDate < record.study.studyDate) continue;
        replaceFlags(s, p.studyUid, evaluator.cumulative(p, patient), true, raisedAt);
    }
}

} // namespace fa::store
