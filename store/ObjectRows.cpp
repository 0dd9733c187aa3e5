// Reading a study's objects back: their rows, planes, events and warnings (Rows.h).
#include "store/Rows.h"

#include "store/Columns.h"
#include "store/EventGeometry.h"

#include <map>

namespace fa::store {

namespace {

using ObjectIndex = std::map<std::string, std::size_t>; // SOP Instance UID -> position

std::vector<DoseObject> readObjectRows(Database& s, std::string uid, ObjectIndex& index) {
    const Result rs = s.run(
        "SELECT sop_instance_uid, sop_class_uid, series_uid, kind, manufacturer, model, serial_number, "
        "station_name, device_observer_uid, has_vendor_totals, vendor_exposures, vendor_fluoro_time_s, "
        "vendor_dap_gym2, vendor_dose_rp_gy, header_fluoro_time_s, header_exposures, has_running_totals, "
        "rt_dose_rp_gy, rt_dap_gym2, rt_fluoro_dap_gym2, rt_fluoro_time_s, rt_acquisition_dap_gym2, "
        "rt_acquisition_time_s, patient_height_m, patient_weight_kg FROM source_objects WHERE study_uid = ? ORDER BY arrival",
        {uid});
    const Columns c(rs);
    std::vector<DoseObject> out(c.rows());
    for (std::size_t r = 0; r < c.rows(); ++r) {
        DoseObject& o = out[r];
        o.sopInstanceUid = c.text("sop_instance_uid", r);
        o.sopClassUid = c.text("sop_class_uid", r);
        o.seriesUid = c.text("series_uid", r);
        o.kind = sourceKindFromString(c.text("kind", r));
        o.study.studyUid = uid;
        o.device = DeviceInfo{c.text("manufacturer", r), c.text("model", r), c.text("serial_number", r),
                              c.text("station_name", r), c.text("device_observer_uid", r)};
        if (c.integer("has_vendor_totals", r).value_or(0))
            o.vendor = VendorTotals{c.real("vendor_exposures", r), c.real("vendor_fluoro_time_s", r),
                                    c.real("vendor_dap_gym2", r), c.real("vendor_dose_rp_gy", r)};
        o.headerFluoroTime_s = c.real("header_fluoro_time_s", r);
        o.headerExposures = c.real("header_exposures", r);
        if (c.integer("has_running_totals", r).value_or(0))
            o.runningTotals = RunningTotals{c.real("rt_dose_rp_gy", r),          c.real("rt_dap_gym2", r),
                                            c.real("rt_fluoro_dap_gym2", r),     c.real("rt_fluoro_time_s", r),
                                            c.real("rt_acquisition_dap_gym2", r), c.real("rt_acquisition_time_s", r)};
        o.patientHeight_m = c.real("patient_height_m", r);
        o.patientWeight_kg = c.real("patient_weight_kg", r);
        index[o.sopInstanceUid] = r;
    }
    return out;
}

void readPlanes(Database& s, std::string uid, const ObjectIndex& index, std::vector<DoseObject>& out) {
    const Result rs = s.run(
        "SELECT sop_instance_uid, plane, dap_total_gym2, dose_rp_total_gy, fluoro_dap_total_gym2, "
        "fluoro_dose_rp_total_gy, acquisition_dap_total_gym2, acquisition_dose_rp_total_gy, "
        "fluoro_time_s, acquisition_time_s, frames FROM planes WHERE study_uid = ? ORDER BY sop_instance_uid, seq",
        {uid});
    const Columns c(rs);
    for (std::size_t r = 0; r < c.rows(); ++r) {
        PlaneTotals p;
        p.plane = planeFromString(c.text("plane", r));
        p.dapTotal_Gym2 = c.real("dap_total_gym2", r);
        p.doseRpTotal_Gy = c.real("dose_rp_total_gy", r);
        p.fluoroDapTotal_Gym2 = c.real("fluoro_dap_total_gym2", r);
        p.fluoroDoseRpTotal_Gy = c.real("fluoro_dose_rp_total_gy", r);
        p.acquisitionDapTotal_Gym2 = c.real("acquisition_dap_total_gym2", r);
        p.acquisitionDoseRpTotal_Gy = c.real("acquisition_dose_rp_total_gy", r);
        p.fluoroTime_s = c.real("fluoro_time_s", r);
        p.acquisitionTime_s = c.real("acquisition_time_s", r);
        p.frames = c.real("frames", r);
        out[index.at(c.text("sop_instance_uid", r))].planes.push_back(p);
    }
}

void readEvents(Database& s, std::string uid, const ObjectIndex& index, std::vector<DoseObject>& out) {
    const Result rs = s.run(
        "SELECT sop_instance_uid, event_uid, event_type, plane, started_at, protocol, dap_gym2, dose_rp_gy, "
        "kvp_kv, tube_current_ma, pulses, pulse_rate_per_s, irradiation_duration_s, exposure_time_s, "
        "field_area_m2, primary_angle_deg, secondary_angle_deg, frames, geometry "
        "FROM events WHERE study_uid = ? ORDER BY sop_instance_uid, seq",
        {uid});
    const Columns c(rs);
    for (std::size_t r = 0; r < c.rows(); ++r) {
        IrradiationEvent e;
        e.uid = c.text("event_uid", r);
        e.type = eventTypeFromString(c.text("event_type", r));
        e.plane = planeFromString(c.text("plane", r));
        e.startedAt = c.text("started_at", r);
        e.protocol = c.text("protocol", r);
        const std::pair<const char*, std::optional<double>*> numbers[] = {
            {"dap_gym2", &e.dap_Gym2}, {"dose_rp_gy", &e.doseRp_Gy}, {"kvp_kv", &e.kvp_kV},
            {"tube_current_ma", &e.tubeCurrent_mA}, {"pulses", &e.pulses}, {"pulse_rate_per_s", &e.pulseRate_per_s},
            {"irradiation_duration_s", &e.irradiationDuration_s}, {"exposure_time_s", &e.exposureTime_s},
            {"field_area_m2", &e.fieldArea_m2}, {"primary_angle_deg", &e.primaryAngle_deg},
            {"secondary_angle_deg", &e.secondaryAngle_deg}, {"frames", &e.frames}};
        for (const auto& [name, field] : numbers) *field = c.real(name, r);
        decodeGeometry(c.text("geometry", r), e);
        out[index.at(c.text("sop_instance_uid", r))].events.push_back(std::move(e));
    }
}

void readObjectWarnings(Database& s, std::string uid, const ObjectIndex& index, std::vector<DoseObject>& out) {
    const Result rs = s.run(
        "SELECT sop_instance_uid, code, message, count, text FROM object_warnings WHERE study_uid = ? "
        "ORDER BY sop_instance_uid, seq",
        {uid});
    const Columns c(rs);
    for (std::size_t r = 0; r < c.rows(); ++r)
        out[index.at(c.text("sop_instance_uid", r))].warnings.push_back(readWarning(c, r));
}

} // namespace

std::vector<DoseObject> readObjects(Database& s, const std::string& studyUid) {
    ObjectIndex index;
    std::vector<DoseObject> out = readObjectRows(s, studyUid, index);
    readPlanes(s, studyUid, index, out);
    readEvents(s, studyUid, index, out);
    readObjectWarnings(s, studyUid, index, out);
    return out;
}

} // namespace fa::store
