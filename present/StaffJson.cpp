#include "present/StaffJson.h"

#include "present/RecordJson.h"

namespace fa::present {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

void setPosition(Object& o, const std::optional<rules::Position>& p) {
    o.set("distance_m", p ? number(p->distance_m) : Var());
    o.set("protection", p ? Var(std::string(rules::protectionName(p->protection))) : Var());
    o.set("intensifier", p ? text(rules::intensifierName(p->intensifier)) : Var());
}

} // namespace

Array::Ptr staffEstimatesJson(const std::vector<rules::StaffEstimate>& estimates) {
    Array::Ptr list = new Array;
    for (const auto& e : estimates) {
        Object::Ptr o = jsonObject();
        o->set("operator", text(e.operatorName));
        o->set("default_profile", e.defaultProfile);
        setPosition(*o, e.position);
        o->set("rate_usv_per_h", number(e.rate_uSv_per_h));
        o->set("exposure_time_s", number(e.exposureTime_s));
        o->set("dose_usv", number(e.dose_uSv));
        o->set("missing", text(e.missing));
        list->add(o);
    }
    return list;
}

Object::Ptr patientEstimateJson(const rules::PatientEstimate& e) {
    Object::Ptr o = jsonObject();
    o->set("dose_usv", number(e.dose_uSv));
    o->set("rate_usv_per_h", number(e.rate_uSv_per_h));
    o->set("exposure_time_s", number(e.exposureTime_s));
    o->set("intensifier", std::string(rules::intensifierName(e.intensifier)));
    o->set("distance_cm", e.distance_cm);
    o->set("profile", text(e.profile));
    o->set("measured_on_device", e.measuredOnDevice);
    o->set("source", text(e.source));
    o->set("missing", text(e.missing));
    return o;
}

Object::Ptr staffYearJson(int year, const rules::StaffYear& figures, double annualLevel_mSv,
                          const store::ReferenceTableVersion& rates, const store::ReferenceTableVersion& profiles) {
    Object::Ptr o = jsonObject();
    const double level_uSv = annualLevel_mSv * 1000;
    o->set("year", year);
    o->set("annual_level_usv", number(level_uSv));
    o->set("rates", tableVersionJson(rates, false));
    o->set("profiles", tableVersionJson(profiles, false));
    Array::Ptr list = new Array;
    for (const auto& y : figures.operators) {
        Object::Ptr x = jsonObject();
        x->set("operator", text(y.operatorName));
        x->set("total_usv", number(y.total_uSv));
        x->set("of_annual_level", number(y.total_uSv / level_uSv));
        Array::Ptr months = new Array, studies = new Array;
        for (std::size_t m = 0; m < 12; ++m) {
            months->add(number(y.month_uSv[m]));
            studies->add(y.studies[m]);
        }
        x->set("months_usv", months);
        x->set("studies", studies);
        x->set("without_estimate", y.withoutEstimate);
        list->add(x);
    }
    o->set("operators", list);
    Array::Ptr procedures = new Array;
    for (const auto& p : figures.procedures) {
        Object::Ptr x = jsonObject();
        x->set("procedure_id", p.procedureId.empty() ? std::string("unclassified") : p.procedureId);
        x->set("estimates", integer(p.estimates));
        x->set("mean_usv", number(p.mean_uSv));
        x->set("median_usv", number(p.median_uSv));
        x->set("max_usv", number(p.max_uSv));
        procedures->add(x);
    }
    o->set("procedures", procedures);
    return o;
}

Object::Ptr staffRatesJson(const rules::StaffRates& table, const store::ReferenceTableVersion& version) {
    Object::Ptr o = tableVersionJson(version, true);
    Array::Ptr rows = new Array;
    for (const auto& r : table.rows()) {
        Object::Ptr x = jsonObject();
        x->set("device", text(r.device));
        setPosition(*x, r.position);
        x->set("rate_usv_per_h", number(r.rate_uSv_per_h));
        rows->add(x);
    }
    o->set("rows", rows);
    return o;
}

Object::Ptr operatorProfilesJson(const rules::OperatorProfiles& table, const store::ReferenceTableVersion& version) {
    Object::Ptr o = tableVersionJson(version, true);
    Array::Ptr rows = new Array;
    for (const auto& p : table.rows()) {
        Object::Ptr x = jsonObject();
        x->set("operator", text(p.operatorName));
        setPosition(*x, p.position);
        rows->add(x);
    }
    o->set("rows", rows);
    return o;
}

} // namespace fa::present
