// Follow-up of substantial doses (migration 18): opened by evaluateStudy (FlagRows.cpp), closed by
// the outcome a physicist records.
#include "core/Error.h"
#include "store/Columns.h"
#include "store/FlagRows.h"
#include "store/Guard.h"
#include "store/Rows.h"
#include "store/StudyStore.h"

#include <Poco/Data/Transaction.h>

#include <algorithm>

namespace fa::store {

namespace {

const char* const kOutcomes[] = {"none", "erythema", "desquamation", "ulceration", "other"};

const char* const kFollowUpColumns =
    "SELECT f.study_uid, f.site, f.opened_at, f.reasons, f.due_from, f.due_to, f.outcome, f.outcome_note, f.recorded_by, "
    "f.recorded_at, s.study_date, s.study_description, s.procedure_id, s.procedure_name, s.patient_key, s.patient_id, "
    "s.patient_name, s.manufacturer, s.model, s.serial_number, s.station_name, s.psd_gy, s.dose_rp_gy, s.dap_gym2, "
    "s.fluoro_time_s FROM follow_ups f JOIN studies s ON s.study_uid = f.study_uid";

FollowUp readFollowUp(const Columns& c, std::size_t r) {
    FollowUp f;
    f.studyUid = c.text("study_uid", r);
    f.site = c.text("site", r);
    f.openedAt = c.text("opened_at", r);
    f.reasons = parseReasons(c.text("reasons", r));
    f.dueFrom = c.text("due_from", r);
    f.dueTo = c.text("due_to", r);
    f.outcome = c.text("outcome", r);
    f.note = c.text("outcome_note", r);
    f.recordedBy = c.text("recorded_by", r);
    f.recordedAt = c.text("recorded_at", r);
    f.studyDate = c.text("study_date", r);
    f.studyDescription = c.text("study_description", r);
    f.procedureId = c.text("procedure_id", r);
    f.procedureName = c.text("procedure_name", r);
    f.patientKey = c.text("patient_key", r);
    f.patientId = c.text("patient_id", r);
    f.patientName = c.text("patient_name", r);
    f.device = DeviceInfo{c.text("manufacturer", r), c.text("model", r), c.text("serial_number", r), c.text("station_name", r), ""};
    f.psd_Gy = c.real("psd_gy", r);
    f.kar_Gy = c.real("dose_rp_gy", r);
    f.dap_Gym2 = c.real("dap_gym2", r);
    f.fluoroTime_s = c.real("fluoro_time_s", r);
    return f;
}

} // namespace

bool isFollowUpOutcome(const std::string& outcome) {
    return std::find(std::begin(kOutcomes), std::end(kOutcomes), outcome) != std::end(kOutcomes);
}

std::string FollowUp::state(const std::string& today) const {
    if (!outcome.empty()) return "closed";
    if (reasons.empty()) return "withdrawn";
    return today > dueTo ? "overdue" : "open";
}

std::vector<FollowUp> StudyStore::followUps(const std::string& state, const std::string& today, const std::string& site) {
    return guarded([&]() -> std::vector<FollowUp> {
        std::string sql = kFollowUpColumns;
        std::vector<Value> values;
        std::vector<std::string> where;
        if (!site.empty()) {
            where.push_back("f.site = ?");
            values.push_back(site);
        }
        if (state == "open" || state == "overdue" || state == "withdrawn") where.push_back("f.outcome IS NULL");
        if (state == "open" || state == "overdue") where.push_back("f.reasons <> ''");
        if (state == "withdrawn") where.push_back("f.reasons = ''");
        if (state == "overdue") {
            where.push_back("f.due_to < ?");
            values.push_back(today);
        }
        if (state == "closed") where.push_back("f.outcome IS NOT NULL");
        for (std::size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
        sql += " ORDER BY f.due_to, f.study_uid";
        const Result rs = snapshot([&] { return db_->run(sql, values); });
        const Columns c(rs);
        std::vector<FollowUp> out;
        for (std::size_t r = 0; r < c.rows(); ++r) out.push_back(readFollowUp(c, r));
        return out;
    });
}

std::optional<FollowUp> StudyStore::followUp(const std::string& studyUid) {
    return guarded([&]() -> std::optional<FollowUp> {
        const Result rs = snapshot([&] { return db_->run(std::string(kFollowUpColumns) + " WHERE f.study_uid = ?", {studyUid}); });
        const Columns c(rs);
        if (c.rows() == 0) return std::nullopt;
        return readFollowUp(c, 0);
    });
}

bool StudyStore::recordFollowUp(const std::string& studyUid, const std::string& outcome, const std::string& note,
                                const std::string& username) {
    if (!isFollowUpOutcome(outcome)) throw Error("'" + outcome + "' is not an outcome: none, erythema, desquamation, ulceration or other");
    return guarded([&]() -> bool {
        try {
            Poco::Data::Transaction tx(db_->session());
            const Result rs = db_->run("SELECT outcome FROM follow_ups WHERE study_uid = ?", {studyUid});
            if (rs.rows() == 0) return false;
            const std::string at = nowUtc();
            db_->run("UPDATE follow_ups SET outcome = ?, outcome_note = ?, recorded_by = ?, recorded_at = ? WHERE study_uid = ?",
                     {outcome, note, username, at, studyUid});
            tx.commit();
            return true;
        } catch (...) {
            failed("cannot record the follow-up of " + studyUid);
        }
    });
}

} // namespace fa::store
