#include "store/FlagRows.h"

#include "store/Rows.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Nullable.h>
#include <Poco/Timespan.h>

#include <algorithm>

#include <map>
#include <tuple>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

// Each study's count of open and of all flags, kept with the study so that "unreviewed first"
// sorts from an index. For the studies `where` (over studies, with `values`).
void countFlags(Database& s, const std::string& where, std::vector<std::string> values) {
    s.run("UPDATE studies SET open_flags = (SELECT COUNT(*) FROM flags f WHERE f.study_uid = "
          "studies.study_uid AND f.review_state = 'unreviewed'), flag_count = (SELECT COUNT(*) FROM flags f "
          "WHERE f.study_uid = studies.study_uid) WHERE " + where,
          std::vector<Value>(values.begin(), values.end()));
}

namespace {

using FlagKey = std::tuple<std::string, std::string>; // kind, metric

// Replaces the flags of `studyUid` whose kind is (or, with `cumulativeOnly` false, is not)
// cumulative, keeping the review state of a flag raised again.
void replaceFlags(Database& s, const std::string& studyUid, const std::vector<StudyFlag>& existing,
                  std::vector<StudyFlag> flags, bool cumulativeOnly, const std::string& raisedAt) {
    std::map<FlagKey, std::pair<std::string, std::string>> states; // review state, first raised
    std::vector<StudyFlag> current;
    for (const auto& f : existing) {
        states[{f.kind, f.metric}] = {f.reviewState, f.raisedAt};
        if ((f.kind == "cumulative") == cumulativeOnly) current.push_back(f);
    }
    const bool unchanged = current.size() == flags.size() &&
                           std::equal(current.begin(), current.end(), flags.begin(),
                                      [](const StudyFlag& a, const StudyFlag& b) { return a.sameAs(b); });
    if (unchanged) return;
    const std::string cond = cumulativeOnly ? "kind = 'cumulative'" : "kind <> 'cumulative'";
    s.run("DELETE FROM flags WHERE study_uid = ? AND " + cond, {studyUid});
    const Result next = s.run("SELECT COALESCE(MAX(seq), -1) + 1 AS seq FROM flags WHERE study_uid = ?", {studyUid});
    long long seq = Columns(next).integer("seq", 0).value_or(0);
    for (auto& f : flags) {
        f.raisedAt = raisedAt;
        if (auto it = states.find({f.kind, f.metric}); it != states.end()) {
            f.reviewState = it->second.first;
            if (!it->second.second.empty()) f.raisedAt = it->second.second;
        }
        s.run("INSERT INTO flags (study_uid, seq, kind, metric, value, level, table_version, studies, review_state, "
              "raised_at, first_raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {studyUid, integer(seq++), f.kind, f.metric, f.value, f.level, nullableInteger(f.tableVersion),
               joinList(f.studies), f.reviewState, raisedAt, f.raisedAt});
    }
    countFlags(s, "study_uid = ?", {studyUid});
}

std::string shiftDate(const std::string& isoDate, int days) {
    Poco::DateTime d;
    int tz = 0;
    if (!Poco::DateTimeParser::tryParse("%Y-%m-%d", isoDate, d, tz)) return isoDate;
    d += Poco::Timespan(days, 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(d, "%Y-%m-%d");
}

// The patient's studies dated from..to (inclusive).
std::vector<PatientStudyFigures> patientStudies(Database& s, const std::string& patientKey,
                                                const std::string& from, const std::string& to) {
    const Result rows = s.run("SELECT study_uid, study_date, dap_gym2, dose_rp_gy, psd_gy FROM studies WHERE patient_key = ? "
                              "AND study_date >= ? AND study_date <= ? ORDER BY study_date, study_uid",
                              {patientKey, from, to});
    const Columns c(rows);
    std::vector<PatientStudyFigures> out;
    for (std::size_t r = 0; r < c.rows(); ++r) {
        PatientStudyFigures p;
        p.studyUid = c.text("study_uid", r);
        p.studyDate = c.text("study_date", r);
        p.dap_Gym2 = c.real("dap_gym2", r);
        p.doseRp_Gy = c.real("dose_rp_gy", r);
        p.psd_Gy = c.real("psd_gy", r);
        out.push_back(p);
    }
    return out;
}

} // namespace

StudyFlag flagFromRow(const Columns& c, std::size_t r) {
    StudyFlag f;
    f.kind = c.text("kind", r);
    f.metric = c.text("metric", r);
    f.value = c.real("value", r).value_or(0.0);
    f.level = c.real("level", r).value_or(0.0);
    if (const auto v = c.integer("table_version", r)) f.tableVersion = static_cast<int>(*v);
    if (const std::string studies = c.text("studies", r); !studies.empty()) f.studies = splitList(studies);
    f.reviewState = c.text("review_state", r);
    f.raisedAt = c.text("raised_at", r);
    return f;
}

std::vector<StudyFlag> readFlags(Database& s, const std::string& studyUid) {
    const Result rows = s.run("SELECT kind, metric, value, level, table_version, studies, review_state, "
                              "COALESCE(first_raised_at, raised_at) AS raised_at FROM flags "
                              "WHERE study_uid = ? ORDER BY seq",
                              {studyUid});
    const Columns c(rows);
    std::vector<StudyFlag> out;
    for (std::size_t r = 0; r < c.rows(); ++r) out.push_back(flagFromRow(c, r));
    return out;
}

namespace {

bool substantial(const StudyFlag& f) { return f.kind == "substantial"; }

std::string reasonsText(const std::vector<StudyFlag>& flags) {
    std::vector<std::string> parts;
    for (const auto& f : flags)
        if (substantial(f)) parts.push_back(f.metric + "=" + exactText(f.value) + ">" + exactText(f.level));
    return joinList(parts);
}

} // namespace

std::vector<StudyFlag> parseReasons(const std::string& text) {
    std::vector<StudyFlag> out;
    for (const auto& part : splitList(text)) {
        const auto eq = part.find('='), gt = part.find('>');
        if (eq == std::string::npos || gt == std::string::npos || gt < eq) continue;
        StudyFlag f;
        f.kind = "substantial";
        f.metric = part.substr(0, eq);
        f.value = std::stod(part.substr(eq + 1, gt - eq - 1));
        f.level = std::stod(part.substr(gt + 1));
        out.push_back(f);
    }
    return out;
}

// A study with a substantial flag has a follow-up from then on, due two to four weeks after the study;
// while open, its reasons follow the flags (none left: withdrawn, kept with its history).
void followUpSubstantial(Database& s, const StudyRecord& record, const std::vector<StudyFlag>& before,
                         const std::vector<StudyFlag>& now, const std::string& at) {
    const bool had = std::any_of(before.begin(), before.end(), substantial);
    const bool has = std::any_of(now.begin(), now.end(), substantial);
    if (!had && !has) return;
    const std::string& uid = record.study.studyUid;
    const Result row = s.run("SELECT reasons, outcome FROM follow_ups WHERE study_uid = ?", {uid});
    const Columns c(row);
    const std::string reasons = reasonsText(now);
    if (c.rows() == 0) {
        if (!has) return;
        const std::string day = record.study.studyDate.empty() ? at.substr(0, 10) : record.study.studyDate;
        s.run("INSERT INTO follow_ups (study_uid, site, patient_key, opened_at, reasons, due_from, due_to) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)",
              {uid, record.site, record.patientKey, at, reasons, shiftDate(day, 14), shiftDate(day, 28)});
        return;
    }
    if (!c.text("outcome", 0).empty() || c.text("reasons", 0) == reasons) return;
    s.run("UPDATE follow_ups SET reasons = ? WHERE study_uid = ?", {reasons, uid});
}

void evaluateStudy(Database& s, const std::string& studyUid, const StudyEvaluator& evaluator,
                   const std::string& raisedAt) {
    const Result row = s.run(std::string("SELECT ") + kStudyColumns + " FROM studies WHERE study_uid = ?", {studyUid});
    if (row.rows() == 0) return;
    const StudyRecord record = readStudyRow(Columns(row), 0);
    const StudyEvaluation e = evaluator.evaluate(record.study, record.device, record.summary);
    if (e.procedureId != record.procedureId || e.procedureName != record.procedureName)
        s.run("UPDATE studies SET procedure_id = ?, procedure_name = ? WHERE study_uid = ?",
              {e.procedureId, e.procedureName, studyUid});
    const std::vector<StudyFlag> existing = readFlags(s, studyUid);
    replaceFlags(s, studyUid, existing, e.flags, false, raisedAt);
    followUpSubstantial(s, record, existing, e.flags, raisedAt);

    const std::string& date = record.study.studyDate;
    if (record.patientKey.empty() || date.empty()) return;
    // This study's figures count in the windows of the patient's studies dated within one window
    // after it; their windows reach one window before it.
    const int window = evaluator.cumulativeWindowDays();
    const std::string first = shiftDate(date, -(window - 1)), last = shiftDate(date, window - 1);
    const auto patient = patientStudies(s, record.patientKey, first, last);
    if (!evaluator.cumulativeCouldFlag(patient)) {
        // Nothing in reach adds up to a level: no study of it may keep a cumulative flag.
        const std::string flagged = "SELECT DISTINCT f.study_uid FROM flags f JOIN studies x ON x.study_uid = f.study_uid "
                                    "WHERE f.kind = 'cumulative' AND x.patient_key = ? AND x.study_date >= ? AND "
                                    "x.study_date <= ?";
        const std::vector<Value> within{record.patientKey, date, last};
        const Result touched = s.run(flagged, within); // usually none: only their rows are written
        if (touched.rows() == 0) return;
        s.run("DELETE FROM flags WHERE kind = 'cumulative' AND study_uid IN (" + flagged + ")", within);
        const Columns c(touched);
        for (std::size_t r = 0; r < c.rows(); ++r) countFlags(s, "study_uid = ?", {c.text("study_uid", r)});
        return;
    }
    for (const auto& p : patient) {
        if (p.studyDate < date) continue;
        auto flags = evaluator.cumulative(p, patient);
        if (p.studyUid == studyUid) {
            // `existing` was read before the study's own flags were replaced; the cumulative ones
            // among them are still current.
            replaceFlags(s, studyUid, existing, std::move(flags), true, raisedAt);
        } else {
            replaceFlags(s, p.studyUid, readFlags(s, p.studyUid), std::move(flags), true, raisedAt);
        }
    }
}

} // namespace fa::store
