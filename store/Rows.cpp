#include "store/Rows.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <map>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

using NDouble = Poco::Nullable<double>;
using NInt = Poco::Nullable<Poco::Int64>;

NDouble n(const std::optional<double>& v) { return v ? NDouble(*v) : NDouble(); }
template <typename T> NInt ni(const std::optional<T>& v) {
    return v ? NInt(static_cast<Poco::Int64>(*v)) : NInt();
}

std::optional<double> optDouble(RecordSet& rs, std::size_t col, std::size_t row) {
    if (rs.isNull(col, row)) return std::nullopt;
    return rs.value(col, row).convert<double>();
}
template <typename T> std::optional<T> optInt(RecordSet& rs, std::size_t col, std::size_t row) {
    if (rs.isNull(col, row)) return std::nullopt;
    return static_cast<T>(rs.value(col, row).convert<Poco::Int64>());
}
std::string str(RecordSet& rs, std::size_t col, std::size_t row) {
    if (rs.isNull(col, row)) return {};
    return rs.value(col, row).convert<std::string>();
}


// Patient identifiers are stored only when the site opts in; the key always.
struct PatientColumns {
    std::string id, issuer, name, birthDate;
    PatientColumns(const StudyInfo& s, bool keep) {
        if (!keep) return;
        id = s.patientId;
        issuer = s.issuerOfPatientId;
        name = s.patientName;
        birthDate = s.patientBirthDate;
    }
};

void insertStudyWarnings(Poco::Data::Session& s, const std::string& studyUid, const std::vector<Warning>& warnings) {
    for (std::size_t i = 0; i < warnings.size(); ++i) {
        const auto& w = warnings[i];
        s << "INSERT INTO study_warnings (study_uid, seq, code, message, count) VALUES (?, ?, ?, ?, ?)", bind(studyUid),
            bind(static_cast<int>(i)), bind(w.code), bind(w.message), bind(w.count), now;
    }
}

void insertObjectWarnings(Poco::Data::Session& s, const DoseObject& o) {
    for (std::size_t i = 0; i < o.warnings.size(); ++i) {
        const auto& w = o.warnings[i];
        s << "INSERT INTO object_warnings (study_uid, sop_instance_uid, seq, code, message, count) "
             "VALUES (?, ?, ?, ?, ?, ?)",
            bind(o.study.studyUid), bind(o.sopInstanceUid), bind(static_cast<int>(i)), bind(w.code), bind(w.message),
            bind(w.count), now;
    }
}

std::vector<Warning> readWarnings(Poco::Data::Session& s, const std::string& sql, const std::string& key) {
    Statement select(s);
    std::string k = key;
    select << sql, use(k), now;
    RecordSet rs(select);
    std::vector<Warning> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r)
        out.push_back(Warning{str(rs, 0, r), str(rs, 1, r), optInt<int>(rs, 2, r).value_or(1)});
    return out;
}

// Multi-row INSERTs: Poco compiles a statement at every execution, so one statement per event
// would cost a compilation per event (a 10,000-event report is 20 statements this way).
void insertEvents(Poco::Data::Session& s, const DoseObject& o) {
    constexpr std::size_t kRowsPerStatement = 500; // 20 columns: far below SQLite's 32,766 parameters
    const std::string columns =
        "INSERT INTO events (study_uid, sop_instance_uid, seq, event_uid, event_type, plane, started_at, protocol, "
        "dap_gym2, dose_rp_gy, kvp_kv, tube_current_ma, pulses, pulse_rate_per_s, irradiation_duration_s, "
        "exposure_time_s, field_area_m2, primary_angle_deg, secondary_angle_deg, frames) VALUES ";
    const std::string row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (std::size_t first = 0; first < o.events.size(); first += kRowsPerStatement) {
        const std::size_t last = std::min(o.events.size(), first + kRowsPerStatement);
        std::string sql = columns;
        for (std::size_t i = first; i < last; ++i) sql += (i == first ? "" : ", ") + row;
        Statement insert(s);
        insert << sql;
        for (std::size_t i = first; i < last; ++i) {
            const auto& e = o.events[i];
            insert, bind(o.study.studyUid), bind(o.sopInstanceUid), bind(static_cast<int>(i)), bind(e.uid),
                bind(std::string(toString(e.type))), bind(std::string(toString(e.plane))), bind(e.startedAt),
                bind(e.protocol), bind(n(e.dap_Gym2)), bind(n(e.doseRp_Gy)), bind(n(e.kvp_kV)),
                bind(n(e.tubeCurrent_mA)), bind(n(e.pulses)), bind(n(e.pulseRate_per_s)),
                bind(n(e.irradiationDuration_s)), bind(n(e.exposureTime_s)), bind(n(e.fieldArea_m2)),
                bind(n(e.primaryAngle_deg)), bind(n(e.secondaryAngle_deg)), bind(n(e.frames));
        }
        insert.execute();
    }
}

void insertPlanes(Poco::Data::Session& s, const DoseObject& o) {
    for (std::size_t i = 0; i < o.planes.size(); ++i) {
        const auto& p = o.planes[i];
        s << "INSERT INTO planes (study_uid, sop_instance_uid, seq, plane, dap_total_gym2, dose_rp_total_gy, "
             "fluoro_dap_total_gym2, fluoro_dose_rp_total_gy, acquisition_dap_total_gym2, acquisition_dose_rp_total_gy, "
             "fluoro_time_s, acquisition_time_s, frames) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            bind(o.study.studyUid), bind(o.sopInstanceUid), bind(static_cast<int>(i)), bind(std::string(toString(p.plane))),
            bind(n(p.dapTotal_Gym2)), bind(n(p.doseRpTotal_Gy)), bind(n(p.fluoroDapTotal_Gym2)),
            bind(n(p.fluoroDoseRpTotal_Gy)), bind(n(p.acquisitionDapTotal_Gym2)), bind(n(p.acquisitionDoseRpTotal_Gy)),
            bind(n(p.fluoroTime_s)), bind(n(p.acquisitionTime_s)), bind(n(p.frames)), now;
    }
}

} // namespace


std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& c : items) out += (out.empty() ? "" : "\\") + c;
    return out;
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const auto end = s.find('\\', start);
        out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

const char* const kStudyColumns =
    "study_uid, patient_key, patient_id, issuer_of_patient_id, patient_name, patient_birth_date, patient_sex, "
    "study_date, study_time, accession_number, study_description, requested_procedure, performed_procedure, "
    "protocol_name, procedure_codes, manufacturer, model, serial_number, station_name, irradiation_events, "
    "fluoro_events, acquisition_events, fluoro_time_s, acquisition_time_s, exposure_time_s, dap_gym2, dose_rp_gy, "
    "frames, planes, source, object_count, created_at, updated_at, procedure_id, procedure_name, "
    "exposure_time_estimated, estimated_dose_usv, operators";

void insertStudyShell(Poco::Data::Session& s, const DoseObject& o, const ObjectMeta& meta) {
    const StudyInfo& st = o.study;
    const PatientColumns p(st, meta.keepPatientIdentifiers);
    s << "INSERT INTO studies (study_uid, patient_key, patient_id, issuer_of_patient_id, patient_name, "
         "patient_birth_date, patient_sex, study_date, study_time, accession_number, study_description, "
         "requested_procedure, performed_procedure, protocol_name, procedure_codes, operators, object_count, created_at, "
         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        bind(st.studyUid), bind(meta.patientKey), bind(p.id), bind(p.issuer), bind(p.name), bind(p.birthDate),
        bind(st.patientSex), bind(st.studyDate), bind(st.studyTime), bind(st.accessionNumber),
        bind(st.studyDescription), bind(st.requestedProcedure), bind(st.performedProcedure), bind(st.protocolName),
        bind(joinList(st.procedureCodes)), bind(st.operators), bind(meta.receivedAt), bind(meta.receivedAt), now;
}

void fillStudyBlanks(Poco::Data::Session& s, const DoseObject& o, const ObjectMeta& meta) {
    const StudyInfo& st = o.study;
    const PatientColumns p(st, meta.keepPatientIdentifiers);
    const std::pair<const char*, std::string> columns[] = {
        {"patient_key", meta.patientKey}, {"patient_id", p.id}, {"issuer_of_patient_id", p.issuer},
        {"patient_name", p.name}, {"patient_birth_date", p.birthDate}, {"patient_sex", st.patientSex},
        {"study_date", st.studyDate}, {"study_time", st.studyTime}, {"accession_number", st.accessionNumber},
        {"study_description", st.studyDescription}, {"requested_procedure", st.requestedProcedure},
        {"performed_procedure", st.performedProcedure}, {"protocol_name", st.protocolName},
        {"procedure_codes", joinList(st.procedureCodes)}, {"operators", st.operators},
    };
    for (const auto& [column, value] : columns) {
        if (value.empty()) continue;
        const std::string c(column);
        s << "UPDATE studies SET " + c + " = ? WHERE study_uid = ? AND (" + c + " IS NULL OR " + c + " = '')",
            bind(value), bind(st.studyUid), now;
    }
}

void insertObject(Poco::Data::Session& s, const DoseObject& o, const ObjectMeta& meta) {
    const VendorTotals v = o.vendor.value_or(VendorTotals{});
    s << "INSERT INTO source_objects (sop_instance_uid, arrival, study_uid, sop_class_uid, series_uid, kind, "
         "manufacturer, model, serial_number, station_name, device_observer_uid, has_vendor_totals, vendor_exposures, "
         "vendor_fluoro_time_s, vendor_dap_gym2, vendor_dose_rp_gy, header_fluoro_time_s, header_exposures, "
         "received_at, file_path) VALUES (?, (SELECT COALESCE(MAX(arrival), 0) + 1 FROM source_objects), ?, ?, ?, ?, "
         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bind(o.sopInstanceUid), bind(o.study.studyUid), bind(o.sopClassUid), bind(o.seriesUid),
        bind(std::string(toString(o.kind))), bind(o.device.manufacturer), bind(o.device.model), bind(o.device.serial),
        bind(o.device.station), bind(o.device.observerUid), bind(o.vendor ? 1 : 0), bind(n(v.exposures)),
        bind(n(v.fluoroTime_s)), bind(n(v.dap_Gym2)), bind(n(v.doseRp_Gy)), bind(n(o.headerFluoroTime_s)),
        bind(n(o.headerExposures)), bind(meta.receivedAt), bind(meta.filePath), now;
    insertPlanes(s, o);
    insertEvents(s, o);
    insertObjectWarnings(s, o);
}

void replaceObjectContent(Poco::Data::Session& s, const DoseObject& o) {
    for (const char* table : {"events", "planes", "object_warnings"})
        s << std::string("DELETE FROM ") + table + " WHERE study_uid = ? AND sop_instance_uid = ?",
            bind(o.study.studyUid), bind(o.sopInstanceUid), now;
    const VendorTotals v = o.vendor.value_or(VendorTotals{});
    s << "UPDATE source_objects SET kind = ?, manufacturer = ?, model = ?, serial_number = ?, station_name = ?, "
         "device_observer_uid = ?, has_vendor_totals = ?, vendor_exposures = ?, vendor_fluoro_time_s = ?, "
         "vendor_dap_gym2 = ?, vendor_dose_rp_gy = ?, header_fluoro_time_s = ?, header_exposures = ? "
         "WHERE study_uid = ? AND sop_instance_uid = ?",
        bind(std::string(toString(o.kind))), bind(o.device.manufacturer), bind(o.device.model), bind(o.device.serial),
        bind(o.device.station), bind(o.device.observerUid), bind(o.vendor ? 1 : 0), bind(n(v.exposures)),
        bind(n(v.fluoroTime_s)), bind(n(v.dap_Gym2)), bind(n(v.doseRp_Gy)), bind(n(o.headerFluoroTime_s)),
        bind(n(o.headerExposures)), bind(o.study.studyUid), bind(o.sopInstanceUid), now;
    insertPlanes(s, o);
    insertEvents(s, o);
    insertObjectWarnings(s, o);
}

void writeSummary(Poco::Data::Session& s, const std::string& studyUid, const std::vector<DoseObject>& objects,
                  StudySummary sum, const std::string& updatedAt, const StudyEvaluator* evaluator) {
    WarningList warnings;
    const DeviceInfo* device = nullptr;
    for (const auto& uid : sum.countedObjects) {
        auto it = std::find_if(objects.begin(), objects.end(), [&](const DoseObject& o) { return o.sopInstanceUid == uid; });
        if (it == objects.end()) continue;
        if (!device) device = &it->device;
        warnings.append(it->warnings);
    }
    warnings.append(sum.warnings);
    const DeviceInfo none;
    const DeviceInfo& d = device ? *device : none;
    if (evaluator) evaluator->applyDeviceProfile(d, sum);
    const std::string source = sum.source ? toString(*sum.source) : "";
    s << "UPDATE studies SET manufacturer = ?, model = ?, serial_number = ?, station_name = ?, irradiation_events = ?, "
         "fluoro_events = ?, acquisition_events = ?, fluoro_time_s = ?, acquisition_time_s = ?, exposure_time_s = ?, "
         "dap_gym2 = ?, dose_rp_gy = ?, frames = ?, planes = ?, source = ?, object_count = ?, updated_at = ?, "
         "exposure_time_estimated = ?, estimated_dose_usv = ? WHERE study_uid = ?",
        bind(d.manufacturer), bind(d.model), bind(d.serial), bind(d.station), bind(ni(sum.irradiationEvents)),
        bind(ni(sum.fluoroEvents)), bind(ni(sum.acquisitionEvents)), bind(n(sum.fluoroTime_s)),
        bind(n(sum.acquisitionTime_s)), bind(n(sum.exposureTime_s)), bind(n(sum.dap_Gym2)), bind(n(sum.doseRp_Gy)),
        bind(n(sum.frames)), bind(ni(sum.planes)), bind(source), bind(static_cast<int>(objects.size())),
        bind(updatedAt), bind(sum.exposureTimeEstimated ? 1 : 0), bind(n(sum.estimatedDose_uSv)), bind(studyUid), now;
    s << "DELETE FROM study_warnings WHERE study_uid = ?", bind(studyUid), now;
    insertStudyWarnings(s, studyUid, warnings.items());
    s << "UPDATE source_objects SET counted = 0 WHERE study_uid = ?", bind(studyUid), now;
    for (const auto& uid : sum.countedObjects)
        s << "UPDATE source_objects SET counted = 1 WHERE study_uid = ? AND sop_instance_uid = ?", bind(studyUid),
            bind(uid), now;
}

std::vector<DoseObject> readObjects(Poco::Data::Session& s, const std::string& studyUid) {
    std::string uid = studyUid;
    Statement objects(s);
    objects << "SELECT sop_instance_uid, sop_class_uid, series_uid, kind, manufacturer, model, serial_number, "
               "station_name, device_observer_uid, has_vendor_totals, vendor_exposures, vendor_fluoro_time_s, "
               "vendor_dap_gym2, vendor_dose_rp_gy, header_fluoro_time_s, header_exposures "
               "FROM source_objects WHERE study_uid = ? ORDER BY arrival",
        use(uid), now;
    RecordSet rs(objects);
    std::vector<DoseObject> out(rs.rowCount());
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        DoseObject& o = out[r];
        o.sopInstanceUid = str(rs, 0, r);
        o.sopClassUid = str(rs, 1, r);
        o.seriesUid = str(rs, 2, r);
        o.kind = sourceKindFromString(str(rs, 3, r));
        o.study.studyUid = studyUid;
        o.device = DeviceInfo{str(rs, 4, r), str(rs, 5, r), str(rs, 6, r), str(rs, 7, r), str(rs, 8, r)};
        if (optInt<int>(rs, 9, r).value_or(0))
            o.vendor = VendorTotals{optDouble(rs, 10, r), optDouble(rs, 11, r), optDouble(rs, 12, r), optDouble(rs, 13, r)};
        o.headerFluoroTime_s = optDouble(rs, 14, r);
        o.headerExposures = optDouble(rs, 15, r);
        index[o.sopInstanceUid] = r;
    }

    Statement planes(s);
    planes << "SELECT sop_instance_uid, plane, dap_total_gym2, dose_rp_total_gy, fluoro_dap_total_gym2, "
              "fluoro_dose_rp_total_gy, acquisition_dap_total_gym2, acquisition_dose_rp_total_gy, "
              "fluoro_time_s, acquisition_time_s, frames FROM planes WHERE study_uid = ? ORDER BY sop_instance_uid, seq",
        use(uid), now;
    RecordSet pr(planes);
    for (std::size_t r = 0; r < pr.rowCount(); ++r) {
        PlaneTotals p;
        p.plane = planeFromString(str(pr, 1, r));
        p.dapTotal_Gym2 = optDouble(pr, 2, r);
        p.doseRpTotal_Gy = optDouble(pr, 3, r);
        p.fluoroDapTotal_Gym2 = optDouble(pr, 4, r);
        p.fluoroDoseRpTotal_Gy = optDouble(pr, 5, r);
        p.acquisitionDapTotal_Gym2 = optDouble(pr, 6, r);
        p.acquisitionDoseRpTotal_Gy = optDouble(pr, 7, r);
        p.fluoroTime_s = optDouble(pr, 8, r);
        p.acquisitionTime_s = optDouble(pr, 9, r);
        p.frames = optDouble(pr, 10, r);
        out[index.at(str(pr, 0, r))].planes.push_back(p);
    }

    Statement events(s);
    events << "SELECT sop_instance_uid, event_uid, event_type, plane, started_at, protocol, dap_gym2, dose_rp_gy, "
              "kvp_kv, tube_current_ma, pulses, pulse_rate_per_s, irradiation_duration_s, exposure_time_s, "
              "field_area_m2, primary_angle_deg, secondary_angle_deg, frames "
              "FROM events WHERE study_uid = ? ORDER BY sop_instance_uid, seq",
        use(uid), now;
    RecordSet er(events);
    for (std::size_t r = 0; r < er.rowCount(); ++r) {
        IrradiationEvent e;
        e.uid = str(er, 1, r);
        e.type = eventTypeFromString(str(er, 2, r));
        e.plane = planeFromString(str(er, 3, r));
        e.startedAt = str(er, 4, r);
        e.protocol = str(er, 5, r);
        std::optional<double>* fields[] = {&e.dap_Gym2, &e.doseRp_Gy, &e.kvp_kV, &e.tubeCurrent_mA, &e.pulses,
                                           &e.pulseRate_per_s, &e.irradiationDuration_s, &e.exposureTime_s,
                                           &e.fieldArea_m2, &e.primaryAngle_deg, &e.secondaryAngle_deg, &e.frames};
        for (std::size_t k = 0; k < std::size(fields); ++k) *fields[k] = optDouble(er, 6 + k, r);
        out[index.at(str(er, 0, r))].events.push_back(std::move(e));
    }

    Statement warnings(s);
    warnings << "SELECT sop_instance_uid, code, message, count FROM object_warnings WHERE study_uid = ? "
                "ORDER BY sop_instance_uid, seq",
        use(uid), now;
    RecordSet wr(warnings);
    for (std::size_t r = 0; r < wr.rowCount(); ++r)
        out[index.at(str(wr, 0, r))].warnings.push_back(
            Warning{str(wr, 1, r), str(wr, 2, r), optInt<int>(wr, 3, r).value_or(1)});
    return out;
}

StudyRecord readStudyRow(RecordSet& rs, std::size_t r) {
    StudyRecord x;
    StudyInfo& st = x.study;
    st.studyUid = str(rs, 0, r);
    x.patientKey = str(rs, 1, r);
    st.patientId = str(rs, 2, r);
    st.issuerOfPatientId = str(rs, 3, r);
    st.patientName = str(rs, 4, r);
    st.patientBirthDate = str(rs, 5, r);
    st.patientSex = str(rs, 6, r);
    st.studyDate = str(rs, 7, r);
    st.studyTime = str(rs, 8, r);
    st.accessionNumber = str(rs, 9, r);
    st.studyDescription = str(rs, 10, r);
    st.requestedProcedure = str(rs, 11, r);
    st.performedProcedure = str(rs, 12, r);
    st.protocolName = str(rs, 13, r);
    st.procedureCodes = splitList(str(rs, 14, r));
    x.device = DeviceInfo{str(rs, 15, r), str(rs, 16, r), str(rs, 17, r), str(rs, 18, r), ""};
    StudySummary& s = x.summary;
    s.irradiationEvents = optInt<long long>(rs, 19, r);
    s.fluoroEvents = optInt<long long>(rs, 20, r);
    s.acquisitionEvents = optInt<long long>(rs, 21, r);
    s.fluoroTime_s = optDouble(rs, 22, r);
    s.acquisitionTime_s = optDouble(rs, 23, r);
    s.exposureTime_s = optDouble(rs, 24, r);
    s.dap_Gym2 = optDouble(rs, 25, r);
    s.doseRp_Gy = optDouble(rs, 26, r);
    s.frames = optDouble(rs, 27, r);
    s.planes = optInt<int>(rs, 28, r);
    if (const std::string src = str(rs, 29, r); !src.empty()) s.source = sourceKindFromString(src);
    x.objectCount = optInt<int>(rs, 30, r).value_or(0);
    x.createdAt = str(rs, 31, r);
    x.updatedAt = str(rs, 32, r);
    x.procedureId = str(rs, 33, r);
    x.procedureName = str(rs, 34, r);
    s.exposureTimeEstimated = optInt<int>(rs, 35, r).value_or(0) != 0;
    s.estimatedDose_uSv = optDouble(rs, 36, r);
    st.operators = str(rs, 37, r);
    return x;
}

std::vector<Warning> readStudyWarnings(Poco::Data::Session& s, const std::string& studyUid) {
    return readWarnings(s, "SELECT code, message, count FROM study_warnings WHERE study_uid = ? ORDER BY seq", studyUid);
}

std::vector<std::string> readCountedObjects(Poco::Data::Session& s, const std::string& studyUid) {
    std::vector<std::string> out;
    std::string uid = studyUid;
    s << "SELECT sop_instance_uid FROM source_objects WHERE study_uid = ? AND counted = 1 ORDER BY arrival", use(uid),
        into(out), now;
    return out;
}

} // namespace fa::store
