#include "store/Rows.h"

#include "store/Columns.h"
#include "store/EventGeometry.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <map>
#include <sstream>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

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

void insertStudyWarnings(Database& s, const std::string& studyUid, const std::vector<Warning>& warnings) {
    for (std::size_t i = 0; i < warnings.size(); ++i) {
        const auto& w = warnings[i];
        s.run("INSERT INTO study_warnings (study_uid, seq, code, message, count, text) VALUES (?, ?, ?, ?, ?, ?)",
              {studyUid, integer(static_cast<long long>(i)), w.code, w.message, integer(w.count), encodeText(w.text)});
    }
}

void insertObjectWarnings(Database& s, const DoseObject& o) {
    for (std::size_t i = 0; i < o.warnings.size(); ++i) {
        const auto& w = o.warnings[i];
        s.run("INSERT INTO object_warnings (study_uid, sop_instance_uid, seq, code, message, count, text) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)",
              {o.study.studyUid, o.sopInstanceUid, integer(static_cast<long long>(i)), w.code, w.message, integer(w.count),
               encodeText(w.text)});
    }
}

std::vector<Warning> readWarnings(Database& s, const std::string& sql, const std::string& key) {
    const Result result = s.run(sql, {key});
    const Columns c(result);
    std::vector<Warning> out;
    for (std::size_t r = 0; r < c.rows(); ++r)
        out.push_back(readWarning(c, r));
    return out;
}

} // namespace

namespace {

Poco::JSON::Object::Ptr textJson(const Text& t) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", t.id);
    Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
    for (const auto& [name, value] : t.values) {
        Poco::JSON::Array::Ptr pair = new Poco::JSON::Array;
        pair->add(name);
        pair->add(value);
        values->add(pair);
    }
    o->set("values", values);
    if (!t.parts.empty()) {
        Poco::JSON::Array::Ptr parts = new Poco::JSON::Array;
        for (const auto& [name, part] : t.parts) {
            Poco::JSON::Array::Ptr pair = new Poco::JSON::Array;
            pair->add(name);
            pair->add(textJson(*part));
            parts->add(pair);
        }
        o->set("parts", parts);
    }
    return o;
}

Text textOf(const Poco::JSON::Object& o) {
    Text t;
    t.id = o.getValue<std::string>("id");
    if (const auto values = o.getArray("values"))
        for (std::size_t i = 0; i < values->size(); ++i) {
            const auto pair = values->getArray(static_cast<unsigned>(i));
            t.values.emplace_back(pair->getElement<std::string>(0u), pair->getElement<std::string>(1u));
        }
    if (const auto parts = o.getArray("parts"))
        for (std::size_t i = 0; i < parts->size(); ++i) {
            const auto pair = parts->getArray(static_cast<unsigned>(i));
            t.parts.emplace_back(pair->getElement<std::string>(0u), std::make_shared<const Text>(textOf(*pair->getObject(1u))));
        }
    return t;
}

} // namespace

std::string encodeText(const Text& text) {
    if (text.id.empty()) return {};
    std::ostringstream out;
    textJson(text)->stringify(out);
    return out.str();
}

Text decodeText(const std::string& kept) {
    if (kept.empty()) return {};
    try {
        Poco::JSON::Parser parser;
        return textOf(*parser.parse(kept).extract<Poco::JSON::Object::Ptr>());
    } catch (const Poco::Exception&) {
        return {}; // unreadable: the English stands
    } catch (const std::exception&) {
        return {};
    }
}

Warning readWarning(const Columns& c, std::size_t r) {
    return Warning{c.text("code", r), c.text("message", r), static_cast<int>(c.integer("count", r).value_or(1)),
                   decodeText(c.text("text", r))};
}

namespace {

// Multi-row INSERTs of a few fixed sizes (300, 50, 10 and 1 rows), each a kept statement: a
// 10,000-event report is 35 statements, any report at most four different ones.
void insertEvents(Database& s, const DoseObject& o) {
    // 21 columns: 6,300 parameters, below SQLite's 32,766 and below the 7,500 whose description
    // (4 bytes each) libpq 15 still accepts.
    const std::string columns =
        "INSERT INTO events (study_uid, sop_instance_uid, seq, event_uid, event_type, plane, started_at, protocol, "
        "dap_gym2, dose_rp_gy, kvp_kv, tube_current_ma, pulses, pulse_rate_per_s, irradiation_duration_s, "
        "exposure_time_s, field_area_m2, primary_angle_deg, secondary_angle_deg, frames, geometry) VALUES ";
    const std::string row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    std::size_t first = 0;
    for (const std::size_t rows : {300, 50, 10, 1}) {
        std::string sql;
        for (; o.events.size() - first >= rows; first += rows) {
            if (sql.empty()) {
                sql = columns;
                for (std::size_t i = 0; i < rows; ++i) sql += (i ? ", " : "") + row;
            }
            std::vector<Value> values;
            values.reserve(rows * 21);
            for (std::size_t i = first; i < first + rows; ++i) {
                const auto& e = o.events[i];
                values.insert(values.end(),
                              {o.study.studyUid, o.sopInstanceUid, integer(static_cast<long long>(i)), e.uid,
                               toString(e.type), toString(e.plane), e.startedAt, e.protocol, nullable(e.dap_Gym2),
                               nullable(e.doseRp_Gy), nullable(e.kvp_kV), nullable(e.tubeCurrent_mA), nullable(e.pulses),
                               nullable(e.pulseRate_per_s), nullable(e.irradiationDuration_s), nullable(e.exposureTime_s),
                               nullable(e.fieldArea_m2), nullable(e.primaryAngle_deg), nullable(e.secondaryAngle_deg),
                               nullable(e.frames), nullableText(encodeGeometry(e))});
            }
            s.run(sql, values);
        }
    }
}

void insertPlanes(Database& s, const DoseObject& o) {
    for (std::size_t i = 0; i < o.planes.size(); ++i) {
        const auto& p = o.planes[i];
        s.run("INSERT INTO planes (study_uid, sop_instance_uid, seq, plane, dap_total_gym2, dose_rp_total_gy, "
              "fluoro_dap_total_gym2, fluoro_dose_rp_total_gy, acquisition_dap_total_gym2, acquisition_dose_rp_total_gy, "
              "fluoro_time_s, acquisition_time_s, frames) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {o.study.studyUid, o.sopInstanceUid, integer(static_cast<long long>(i)), toString(p.plane),
               nullable(p.dapTotal_Gym2), nullable(p.doseRpTotal_Gy), nullable(p.fluoroDapTotal_Gym2),
               nullable(p.fluoroDoseRpTotal_Gy), nullable(p.acquisitionDapTotal_Gym2), nullable(p.acquisitionDoseRpTotal_Gy),
               nullable(p.fluoroTime_s), nullable(p.acquisitionTime_s), nullable(p.frames)});
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
    "exposure_time_estimated, estimated_dose_usv, operators, site, psd_gy";

void insertStudyShell(Database& s, const DoseObject& o, const ObjectMeta& meta, const std::string& site) {
    const StudyInfo& st = o.study;
    const PatientColumns p(st, meta.keepPatientIdentifiers);
    s.run("INSERT INTO studies (study_uid, patient_key, patient_id, issuer_of_patient_id, patient_name, "
          "patient_birth_date, patient_sex, study_date, study_time, accession_number, study_description, "
          "requested_procedure, performed_procedure, protocol_name, procedure_codes, operators, object_count, created_at, "
          "updated_at, site) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
          {st.studyUid, meta.patientKey, p.id, p.issuer, p.name, p.birthDate, st.patientSex, st.studyDate, st.studyTime,
           st.accessionNumber, st.studyDescription, st.requestedProcedure, st.performedProcedure, st.protocolName,
           joinList(st.procedureCodes), st.operators, meta.receivedAt, meta.receivedAt, site});
}

void fillStudyBlanks(Database& s, const DoseObject& o, const ObjectMeta& meta) {
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
        s.run("UPDATE studies SET " + c + " = ? WHERE study_uid = ? AND (" + c + " IS NULL OR " + c + " = '')",
              {value, st.studyUid});
    }
}

namespace {
// The running totals of an object (absent: none).
void writeRunningTotals(Database& s, const DoseObject& o) {
    const RunningTotals t = o.runningTotals.value_or(RunningTotals{});
    s.run("UPDATE source_objects SET has_running_totals = ?, rt_dose_rp_gy = ?, rt_dap_gym2 = ?, rt_fluoro_dap_gym2 = ?, "
          "rt_fluoro_time_s = ?, rt_acquisition_dap_gym2 = ?, rt_acquisition_time_s = ? "
          "WHERE study_uid = ? AND sop_instance_uid = ?",
          {integer(o.runningTotals ? 1 : 0), nullable(t.doseRp_Gy), nullable(t.dap_Gym2), nullable(t.fluoroDap_Gym2),
           nullable(t.fluoroTime_s), nullable(t.acquisitionDap_Gym2), nullable(t.acquisitionTime_s), o.study.studyUid,
           o.sopInstanceUid});
}
} // namespace

void insertObject(Database& s, const DoseObject& o, const ObjectMeta& meta, const std::string& site) {
    const VendorTotals v = o.vendor.value_or(VendorTotals{});
    s.run("INSERT INTO source_objects (sop_instance_uid, arrival, study_uid, sop_class_uid, series_uid, kind, "
          "manufacturer, model, serial_number, station_name, device_observer_uid, has_vendor_totals, vendor_exposures, "
          "vendor_fluoro_time_s, vendor_dap_gym2, vendor_dose_rp_gy, header_fluoro_time_s, header_exposures, "
          "received_at, file_path, site, patient_height_m, patient_weight_kg) VALUES (?, (SELECT COALESCE(MAX(arrival), 0) + 1 "
          "FROM source_objects), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {o.sopInstanceUid, o.study.studyUid, o.sopClassUid, o.seriesUid, toString(o.kind), o.device.manufacturer,
           o.device.model, o.device.serial, o.device.station, o.device.observerUid, integer(o.vendor ? 1 : 0),
           nullable(v.exposures), nullable(v.fluoroTime_s), nullable(v.dap_Gym2), nullable(v.doseRp_Gy),
           nullable(o.headerFluoroTime_s), nullable(o.headerExposures), meta.receivedAt, meta.filePath, site, nullable(o.patientHeight_m),
           nullable(o.patientWeight_kg)});
    if (o.runningTotals) writeRunningTotals(s, o);
    insertPlanes(s, o);
    insertEvents(s, o);
    insertObjectWarnings(s, o);
}

void replaceObjectContent(Database& s, const DoseObject& o) {
    for (const char* table : {"events", "planes", "object_warnings"})
        s.run(std::string("DELETE FROM ") + table + " WHERE study_uid = ? AND sop_instance_uid = ?",
              {o.study.studyUid, o.sopInstanceUid});
    const VendorTotals v = o.vendor.value_or(VendorTotals{});
    s.run("UPDATE source_objects SET kind = ?, manufacturer = ?, model = ?, serial_number = ?, station_name = ?, "
          "device_observer_uid = ?, has_vendor_totals = ?, vendor_exposures = ?, vendor_fluoro_time_s = ?, "
          "vendor_dap_gym2 = ?, vendor_dose_rp_gy = ?, header_fluoro_time_s = ?, header_exposures = ?, patient_height_m = ?, "
          "patient_weight_kg = ? WHERE study_uid = ? AND sop_instance_uid = ?",
          {toString(o.kind), o.device.manufacturer, o.device.model, o.device.serial, o.device.station,
           o.device.observerUid, integer(o.vendor ? 1 : 0), nullable(v.exposures), nullable(v.fluoroTime_s),
           nullable(v.dap_Gym2), nullable(v.doseRp_Gy), nullable(o.headerFluoroTime_s), nullable(o.headerExposures),
           nullable(o.patientHeight_m), nullable(o.patientWeight_kg), o.study.studyUid, o.sopInstanceUid});
    writeRunningTotals(s, o);
    insertPlanes(s, o);
    insertEvents(s, o);
    insertObjectWarnings(s, o);
}

void writeSummary(Database& s, const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                  StudySummary sum, const std::string& updatedAt, const StudyEvaluator* evaluator) {
    WarningList warnings;
    const DeviceInfo* device = nullptr;
    for (const auto& uid : sum.countedObjects) {
        auto it = std::find_if(objects.begin(), objects.end(), [&](const DoseObject* o) { return o->sopInstanceUid == uid; });
        if (it == objects.end()) continue;
        if (!device) device = &(*it)->device;
        warnings.append((*it)->warnings);
    }
    warnings.append(sum.warnings);
    const DeviceInfo none;
    const DeviceInfo& d = device ? *device : none;
    if (evaluator) evaluator->applyDeviceProfile(d, sum);
    const std::string source = sum.source ? toString(*sum.source) : "";
    s.run("UPDATE studies SET manufacturer = ?, model = ?, serial_number = ?, station_name = ?, irradiation_events = ?, "
          "fluoro_events = ?, acquisition_events = ?, fluoro_time_s = ?, acquisition_time_s = ?, exposure_time_s = ?, "
          "dap_gym2 = ?, dose_rp_gy = ?, frames = ?, planes = ?, source = ?, object_count = ?, updated_at = ?, "
          "revision = revision + 1, exposure_time_estimated = ?, estimated_dose_usv = ? WHERE study_uid = ?",
          {d.manufacturer, d.model, d.serial, d.station, nullableInteger(sum.irradiationEvents),
           nullableInteger(sum.fluoroEvents), nullableInteger(sum.acquisitionEvents), nullable(sum.fluoroTime_s),
           nullable(sum.acquisitionTime_s), nullable(sum.exposureTime_s), nullable(sum.dap_Gym2), nullable(sum.doseRp_Gy),
           nullable(sum.frames), nullableInteger(sum.planes), source, integer(static_cast<long long>(objects.size())),
           updatedAt, integer(sum.exposureTimeEstimated ? 1 : 0), nullable(sum.estimatedDose_uSv), studyUid});
    s.run("DELETE FROM study_warnings WHERE study_uid = ?", {studyUid});
    insertStudyWarnings(s, studyUid, warnings.items());
    s.run("UPDATE source_objects SET counted = 0 WHERE study_uid = ?", {studyUid});
    for (const auto& uid : sum.countedObjects)
        s.run("UPDATE source_objects SET counted = 1 WHERE study_uid = ? AND sop_instance_uid = ?", {studyUid, uid});
}

StudyRecord readStudyRow(const Columns& c, std::size_t r) {
    StudyRecord x;
    StudyInfo& st = x.study;
    st.studyUid = c.text("study_uid", r);
    x.site = c.text("site", r);
    x.patientKey = c.text("patient_key", r);
    st.patientId = c.text("patient_id", r);
    st.issuerOfPatientId = c.text("issuer_of_patient_id", r);
    st.patientName = c.text("patient_name", r);
    st.patientBirthDate = c.text("patient_birth_date", r);
    st.patientSex = c.text("patient_sex", r);
    st.studyDate = c.text("study_date", r);
    st.studyTime = c.text("study_time", r);
    st.accessionNumber = c.text("accession_number", r);
    st.studyDescription = c.text("study_description", r);
    st.requestedProcedure = c.text("requested_procedure", r);
    st.performedProcedure = c.text("performed_procedure", r);
    st.protocolName = c.text("protocol_name", r);
    st.procedureCodes = splitList(c.text("procedure_codes", r));
    st.operators = c.text("operators", r);
    x.device = DeviceInfo{c.text("manufacturer", r), c.text("model", r), c.text("serial_number", r),
                          c.text("station_name", r), ""};
    x.objectCount = static_cast<int>(c.integer("object_count", r).value_or(0));
    x.createdAt = c.text("created_at", r);
    x.updatedAt = c.text("updated_at", r);
    x.procedureId = c.text("procedure_id", r);
    x.procedureName = c.text("procedure_name", r);
    x.summary = readSummary(c, r);
    return x;
}

StudySummary readSummary(const Columns& c, std::size_t r) {
    StudySummary s;
    s.irradiationEvents = c.integer("irradiation_events", r);
    s.fluoroEvents = c.integer("fluoro_events", r);
    s.acquisitionEvents = c.integer("acquisition_events", r);
    s.fluoroTime_s = c.real("fluoro_time_s", r);
    s.acquisitionTime_s = c.real("acquisition_time_s", r);
    s.exposureTime_s = c.real("exposure_time_s", r);
    s.dap_Gym2 = c.real("dap_gym2", r);
    s.doseRp_Gy = c.real("dose_rp_gy", r);
    s.frames = c.real("frames", r);
    if (const auto planes = c.integer("planes", r)) s.planes = static_cast<int>(*planes);
    if (const std::string src = c.text("source", r); !src.empty()) s.source = sourceKindFromString(src);
    s.exposureTimeEstimated = c.integer("exposure_time_estimated", r).value_or(0) != 0;
    s.estimatedDose_uSv = c.real("estimated_dose_usv", r);
    s.psd_Gy = c.real("psd_gy", r);
    return s;
}

CountKey countKey(Database& s, const std::string& studyUid) {
    const Result r = s.run("SELECT site, COALESCE(study_date, '') AS study_date, COALESCE(procedure_id, '') AS procedure_id, "
                           "COALESCE(NULLIF(station_name, ''), model, '') AS device FROM studies WHERE study_uid = ?",
                           {studyUid});
    const Columns c(r);
    if (c.rows() == 0) return std::nullopt;
    return std::vector<std::string>{c.text("site", 0), c.text("study_date", 0), c.text("procedure_id", 0), c.text("device", 0)};
}

void moveCount(Database& s, const CountKey& before, const CountKey& after) {
    if (before == after) return;
    if (before)
        s.run("UPDATE study_counts SET n = n - 1 WHERE site = ? AND study_date = ? AND procedure_id = ? AND device = ?",
              {(*before)[0], (*before)[1], (*before)[2], (*before)[3]});
    if (after)
        s.run("INSERT INTO study_counts (site, study_date, procedure_id, device, n) VALUES (?, ?, ?, ?, 1) "
              "ON CONFLICT (site, study_date, procedure_id, device) DO UPDATE SET n = study_counts.n + 1",
              {(*after)[0], (*after)[1], (*after)[2], (*after)[3]});
}

void recountAll(Database& s) {
    s << "DELETE FROM study_counts", now;
    s << "INSERT INTO study_counts (site, study_date, procedure_id, device, n) SELECT site, COALESCE(study_date, ''), "
         "COALESCE(procedure_id, ''), COALESCE(NULLIF(station_name, ''), model, ''), COUNT(*) FROM studies "
         "GROUP BY site, COALESCE(study_date, ''), COALESCE(procedure_id, ''), COALESCE(NULLIF(station_name, ''), model, '')",
        now;
}

std::vector<Warning> readStudyWarnings(Database& s, const std::string& studyUid) {
    return readWarnings(s, "SELECT code, message, count, text FROM study_warnings WHERE study_uid = ? ORDER BY seq", studyUid);
}

std::vector<std::string> readCountedObjects(Database& s, const std::string& studyUid) {
    const Result r = s.run("SELECT sop_instance_uid FROM source_objects WHERE study_uid = ? AND counted = 1 ORDER BY arrival",
                           {studyUid});
    const Columns c(r);
    std::vector<std::string> out;
    for (std::size_t row = 0; row < c.rows(); ++row) out.push_back(c.text("sop_instance_uid", row));
    return out;
}

} // namespace fa::store
