#include "present/StudyJson.h"

#include "core/Units.h"
#include "present/Display.h"
#include "present/StaffJson.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>
#include <ostream>

namespace fa::present {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Dynamic::Var;

template <typename T> Var json(const std::optional<T>& v) {
    if (!v) return Var();
    if constexpr (std::is_integral_v<T>) return Var(static_cast<Poco::Int64>(*v));
    else return number(v);
}

Array::Ptr warningsJson(const std::vector<Warning>& warnings, Language language) {
    Array::Ptr out = new Array;
    for (const auto& w : warnings) {
        Object::Ptr o = jsonObject();
        o->set("code", w.code);
        o->set("message", w.in(language));
        o->set("message_parts", w.text.id.empty() ? piecesJson({{w.message, true}}) : piecesJson(w.text.pieces(language)));
        o->set("count", w.count);
        out->add(o);
    }
    return out;
}

Object::Ptr deviceJson(const DeviceInfo& d) {
    Object::Ptr o = jsonObject();
    o->set("manufacturer", text(d.manufacturer));
    o->set("model", text(d.model));
    o->set("serial", text(d.serial));
    o->set("station", text(d.station));
    return o;
}

Object::Ptr eventJson(const IrradiationEvent& e) {
    Object::Ptr o = jsonObject();
    o->set("uid", text(e.uid));
    o->set("type", toString(e.type));
    o->set("plane", toString(e.plane));
    o->set("started_at", text(e.startedAt));
    o->set("protocol", text(e.protocol));
    o->set("dap_gycm2", number(units::toGycm2(e.dap_Gym2)));
    o->set("kar_mgy", number(units::toMilliGray(e.doseRp_Gy)));
    o->set("kvp_kv", json(e.kvp_kV));
    o->set("tube_current_ma", json(e.tubeCurrent_mA));
    o->set("pulses", json(e.pulses));
    o->set("pulse_rate_per_s", json(e.pulseRate_per_s));
    o->set("irradiation_duration_s", json(e.irradiationDuration_s));
    o->set("exposure_time_s", json(e.exposureTime_s));
    o->set("field_area_cm2", number(units::toCm2(e.fieldArea_m2)));
    o->set("primary_angle_deg", json(e.primaryAngle_deg));
    o->set("secondary_angle_deg", json(e.secondaryAngle_deg));
    o->set("frames", json(e.frames));
    return o;
}

} // namespace


Array::Ptr flagsJson(const std::vector<StudyFlag>& flags) {
    Array::Ptr out = new Array;
    for (const auto& f : flags) {
        Object::Ptr o = jsonObject();
        o->set("kind", f.kind);
        o->set("metric", f.metric);
        o->set("value", number(f.value));
        o->set("level", number(f.level));
        o->set("table_version", f.tableVersion ? Var(*f.tableVersion) : Var());
        Array::Ptr studies = new Array;
        for (const auto& s : f.studies) studies->add(s);
        o->set("studies", studies);
        o->set("review_state", f.reviewState);
        o->set("raised_at", f.raisedAt);
        out->add(o);
    }
    return out;
}

Object::Ptr skinNoteJson(const SkinNote& n) {
    Object::Ptr o = jsonObject();
    o->set("code", n.code);
    Object::Ptr params = jsonObject();
    for (const auto& [name, value] : n.params) params->set(name, value);
    o->set("params", params);
    o->set("text", n.text);
    return o;
}

Object::Ptr skinDoseJson(const SkinDoseResult& s) {
    Object::Ptr o = jsonObject();
    o->set("psd_mgy", number(units::toMilliGray(s.psd_Gy)));
    o->set("region", text(s.region));
    o->set("missing", s.missing.empty() ? Var() : Var(skinNoteJson(s.missing)));
    Array::Ptr assumptions = new Array;
    for (const auto& a : s.assumptions) assumptions->add(skinNoteJson(a));
    o->set("assumptions", assumptions);
    o->set("dap_on_phantom", json(s.dapOnPhantom));
    o->set("events", static_cast<Poco::UInt64>(s.events));
    o->set("model", s.model);
    o->set("phantom", text(s.phantom));
    o->set("normalisation", text(s.normalisation));
    Object::Ptr map = jsonObject();
    map->set("around", s.around);
    map->set("along", s.along);
    map->set("cells", text(s.map));
    Object::Ptr shape = jsonObject();
    shape->set("flat_cm", s.flat_cm);
    shape->set("radius_cm", s.radius_cm);
    shape->set("length_cm", s.length_cm);
    map->set("shape", shape);
    o->set("map", s.map.empty() ? Var() : Var(map));
    return o;
}

Object::Ptr studyToJson(const store::StudyRecord& r, Language language) {
    const StudyInfo& st = r.study;
    const StudySummary& s = r.summary;
    Object::Ptr o = jsonObject();
    o->set("study_uid", st.studyUid);
    o->set("site", text(r.site));
    o->set("study_date", text(st.studyDate));
    o->set("study_time", text(st.studyTime));
    o->set("accession_number", text(st.accessionNumber));
    o->set("study_description", text(st.studyDescription));
    o->set("requested_procedure", text(st.requestedProcedure));
    o->set("performed_procedure", text(st.performedProcedure));
    o->set("protocol_name", text(st.protocolName));
    o->set("operators", text(st.operators));
    Array::Ptr codes = new Array;
    for (const auto& c : st.procedureCodes) codes->add(c);
    o->set("procedure_codes", codes);
    o->set("patient_key", text(r.patientKey));
    o->set("patient_id", text(st.patientId));
    o->set("patient_name", text(st.patientName));
    o->set("patient_birth_date", text(st.patientBirthDate));
    o->set("patient_sex", text(st.patientSex));
    o->set("device", deviceJson(r.device));
    o->set("procedure_id", text(r.procedureId));
    o->set("procedure_name", text(r.procedureName));
    o->set("irradiation_events", json(s.irradiationEvents));
    o->set("fluoro_events", json(s.fluoroEvents));
    o->set("acquisition_events", json(s.acquisitionEvents));
    o->set("fluoro_time_s", json(s.fluoroTime_s));
    o->set("acquisition_time_s", json(s.acquisitionTime_s));
    o->set("exposure_time_s", json(s.exposureTime_s));
    o->set("exposure_time_estimated", s.exposureTimeEstimated);
    o->set("estimated_dose_usv", json(s.estimatedDose_uSv));
    o->set("dap_total_gycm2", number(units::toGycm2(s.dap_Gym2)));
    o->set("kar_total_mgy", number(units::toMilliGray(s.doseRp_Gy)));
    o->set("psd_mgy", number(units::toMilliGray(s.psd_Gy)));
    o->set("frames", json(s.frames));
    o->set("planes", json(s.planes));
    o->set("source", s.source ? Var(std::string(toString(*s.source))) : Var());
    o->set("object_count", r.objectCount);
    o->set("warnings", warningsJson(r.warnings, language));
    o->set("flags", flagsJson(r.flags));
    o->set("created_at", r.createdAt);
    o->set("updated_at", r.updatedAt);
    return o;
}

namespace {

Var perPlaneJson(const store::StudyRecord& r, const std::vector<DoseObject>& objects) {
    const auto planes = perPlaneFigures(r, objects);
    if (planes.empty()) return Var();
    Array::Ptr list = new Array;
    for (const auto& p : planes) {
        Object::Ptr o = jsonObject();
        o->set("plane", toString(p.plane));
        o->set("irradiation_events", p.events);
        o->set("dap_total_gycm2", number(units::toGycm2(p.dap_Gym2)));
        o->set("kar_total_mgy", number(units::toMilliGray(p.doseRp_Gy)));
        list->add(o);
    }
    return list;
}

} // namespace

std::vector<PlaneFigures> perPlaneFigures(const store::StudyRecord& r, const std::vector<DoseObject>& objects) {
    if (!r.summary.planes || *r.summary.planes < 2) return {};
    struct Sum {
        std::optional<double> dap, kar;
        long long events = 0;
    };
    std::map<Plane, Sum> by;
    auto add = [](std::optional<double>& to, const std::optional<double>& v) {
        if (v) to = to.value_or(0.0) + *v;
    };
    const auto& counted = r.summary.countedObjects;
    for (const auto& obj : objects) {
        if (std::find(counted.begin(), counted.end(), obj.sopInstanceUid) == counted.end()) continue;
        bool fromTotals = false;
        for (const auto& p : obj.planes)
            if (p.plane == Plane::A || p.plane == Plane::B) {
                fromTotals = true;
                add(by[p.plane].dap, p.dap_Gym2());
                add(by[p.plane].kar, p.doseRp_Gy());
            }
        for (const auto& e : obj.events) {
            if (e.plane != Plane::A && e.plane != Plane::B) continue;
            Sum& s = by[e.plane];
            ++s.events;
            if (fromTotals) continue;
            add(s.dap, e.dap_Gym2);
            add(s.kar, e.doseRp_Gy);
        }
    }
    if (by.size() < 2) return {};
    std::vector<PlaneFigures> out;
    for (const auto& [plane, s] : by) out.push_back({plane, s.events, s.dap, s.kar});
    return out;
}

Object::Ptr studyDetailToJson(const store::StudyRecord& r, const std::vector<DoseObject>& objects,
                              const std::vector<rules::StaffEstimate>& staff, const rules::PatientEstimate& patient,
                              const std::optional<SkinDoseResult>& skin, Language language) {
    Object::Ptr o = studyToJson(r, language);
    Array::Ptr events = new Array;
    Array::Ptr sources = new Array;
    const auto& counted = r.summary.countedObjects;
    for (const auto& obj : objects) {
        const bool isCounted = std::find(counted.begin(), counted.end(), obj.sopInstanceUid) != counted.end();
        Object::Ptr src = jsonObject();
        src->set("sop_instance_uid", obj.sopInstanceUid);
        src->set("sop_class_uid", obj.sopClassUid);
        src->set("kind", toString(obj.kind));
        src->set("device", deviceJson(obj.device));
        src->set("counted", isCounted);
        src->set("event_count", static_cast<Poco::Int64>(obj.events.size()));
        src->set("warnings", warningsJson(obj.warnings, language));
        sources->add(src);
        if (!isCounted) continue;
        for (const auto& e : obj.events) {
            Object::Ptr ej = eventJson(e);
            ej->set("source_sop_instance_uid", obj.sopInstanceUid);
            events->add(ej);
        }
    }
    o->set("per_plane", perPlaneJson(r, objects));
    o->set("events", events);
    o->set("objects", sources);
    o->set("patient_estimate", patientEstimateJson(patient));
    o->set("staff_estimates", staffEstimatesJson(staff));
    o->set("skin_dose", skin ? Var(skinDoseJson(*skin)) : Var());
    return o;
}

} // namespace fa::present
