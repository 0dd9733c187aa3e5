#include "present/FollowUpJson.h"

#include "core/Units.h"
#include "present/Json.h"
#include "present/StudyJson.h"

namespace fa::present {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr followUpJson(const store::FollowUp& f, const std::string& today, bool withPatient) {
    Object::Ptr o = jsonObject();
    o->set("study_uid", f.studyUid);
    o->set("site", text(f.site));
    o->set("study_date", text(f.studyDate));
    o->set("study_description", text(f.studyDescription));
    o->set("procedure_id", text(f.procedureId));
    o->set("procedure_name", text(f.procedureName));
    o->set("patient_key", text(f.patientKey));
    o->set("patient_id", withPatient ? text(f.patientId) : Var());
    o->set("patient_name", withPatient ? text(f.patientName) : Var());
    Object::Ptr device = jsonObject();
    device->set("manufacturer", text(f.device.manufacturer));
    device->set("model", text(f.device.model));
    device->set("station", text(f.device.station));
    o->set("device", device);
    o->set("reasons", flagsJson(f.reasons));
    o->set("opened_at", f.openedAt);
    o->set("due_from", f.dueFrom);
    o->set("due_to", f.dueTo);
    o->set("state", f.state(today));
    o->set("outcome", text(f.outcome));
    o->set("note", text(f.note));
    o->set("recorded_by", text(f.recordedBy));
    o->set("recorded_at", text(f.recordedAt));
    o->set("psd_mgy", number(units::toMilliGray(f.psd_Gy)));
    o->set("kar_total_mgy", number(units::toMilliGray(f.kar_Gy)));
    o->set("dap_total_gycm2", number(units::toGycm2(f.dap_Gym2)));
    o->set("fluoro_time_s", f.fluoroTime_s ? Var(*f.fluoroTime_s) : Var());
    return o;
}

Array::Ptr followUpsJson(const std::vector<store::FollowUp>& list, const std::string& today, bool withPatient) {
    Array::Ptr a = new Array;
    for (const auto& f : list) a->add(followUpJson(f, today, withPatient));
    return a;
}

} // namespace fa::present
