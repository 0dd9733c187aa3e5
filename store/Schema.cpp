#include "store/Schema.h"

#include "core/Error.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Transaction.h>

#include <string>
#include <vector>

using namespace Poco::Data::Keywords;

namespace fa::store {

namespace {

// Portable SQL (SQLite and PostgreSQL): natural keys, no AUTOINCREMENT, REAL and INTEGER columns
// (Database::ddl makes them 8 bytes on PostgreSQL, and an INTEGER id assigned by the database).
// A migration is never edited once released: a change is a new migration.
const std::vector<std::vector<const char*>> kMigrations = {
    // 1: studies, the objects they were computed from, events, planes and warnings
    {
        R"(CREATE TABLE studies (
            study_uid TEXT PRIMARY KEY,
            patient_key TEXT, patient_id TEXT, issuer_of_patient_id TEXT, patient_name TEXT,
            patient_birth_date TEXT, patient_sex TEXT,
            study_date TEXT, study_time TEXT, accession_number TEXT, study_description TEXT,
            requested_procedure TEXT, performed_procedure TEXT, protocol_name TEXT, procedure_codes TEXT,
            manufacturer TEXT, model TEXT, serial_number TEXT, station_name TEXT,
            irradiation_events INTEGER, fluoro_events INTEGER, acquisition_events INTEGER,
            fluoro_time_s REAL, acquisition_time_s REAL, exposure_time_s REAL,
            dap_gym2 REAL, dose_rp_gy REAL, frames REAL, planes INTEGER,
            source TEXT, object_count INTEGER NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL))",
        "CREATE INDEX studies_by_date ON studies (study_date)",
        "CREATE INDEX studies_by_patient ON studies (patient_key)",
        R"(CREATE TABLE source_objects (
            study_uid TEXT NOT NULL REFERENCES studies (study_uid),
            sop_instance_uid TEXT NOT NULL,
            arrival INTEGER NOT NULL,
            counted INTEGER NOT NULL DEFAULT 0,
            sop_class_uid TEXT NOT NULL, series_uid TEXT, kind TEXT NOT NULL,
            manufacturer TEXT, model TEXT, serial_number TEXT, station_name TEXT, device_observer_uid TEXT,
            has_vendor_totals INTEGER NOT NULL, vendor_exposures REAL, vendor_fluoro_time_s REAL,
            vendor_dap_gym2 REAL, vendor_dose_rp_gy REAL,
            header_fluoro_time_s REAL, header_exposures REAL,
            received_at TEXT NOT NULL, file_path TEXT,
            PRIMARY KEY (study_uid, sop_instance_uid)))",
        "CREATE INDEX source_objects_by_sop ON source_objects (sop_instance_uid)",
        R"(CREATE TABLE planes (
            study_uid TEXT NOT NULL, sop_instance_uid TEXT NOT NULL, seq INTEGER NOT NULL,
            plane TEXT NOT NULL, dap_total_gym2 REAL, dose_rp_total_gy REAL,
            fluoro_dap_total_gym2 REAL, fluoro_dose_rp_total_gy REAL,
            acquisition_dap_total_gym2 REAL, acquisition_dose_rp_total_gy REAL,
            fluoro_time_s REAL, acquisition_time_s REAL, frames REAL,
            PRIMARY KEY (study_uid, sop_instance_uid, seq),
            FOREIGN KEY (study_uid, sop_instance_uid) REFERENCES source_objects (study_uid, sop_instance_uid)))",
        R"(CREATE TABLE events (
            study_uid TEXT NOT NULL, sop_instance_uid TEXT NOT NULL, seq INTEGER NOT NULL,
            event_uid TEXT, event_type TEXT NOT NULL, plane TEXT NOT NULL, started_at TEXT, protocol TEXT,
            dap_gym2 REAL, dose_rp_gy REAL, kvp_kv REAL, tube_current_ma REAL, pulses REAL, pulse_rate_per_s REAL,
            irradiation_duration_s REAL, exposure_time_s REAL, field_area_m2 REAL,
            primary_angle_deg REAL, secondary_angle_deg REAL, frames REAL,
            PRIMARY KEY (study_uid, sop_instance_uid, seq),
            FOREIGN KEY (study_uid, sop_instance_uid) REFERENCES source_objects (study_uid, sop_instance_uid)))",
        R"(CREATE TABLE object_warnings (
            study_uid TEXT NOT NULL, sop_instance_uid TEXT NOT NULL, seq INTEGER NOT NULL,
            code TEXT NOT NULL, message TEXT NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (study_uid, sop_instance_uid, seq),
            FOREIGN KEY (study_uid, sop_instance_uid) REFERENCES source_objects (study_uid, sop_instance_uid)))",
        R"(CREATE TABLE study_warnings (
            study_uid TEXT NOT NULL REFERENCES studies (study_uid), seq INTEGER NOT NULL,
            code TEXT NOT NULL, message TEXT NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (study_uid, seq)))",
    },
    // 2: reference-level tables (every version kept), each study's procedure, and flags
    {
        R"(CREATE TABLE reference_tables (
            version INTEGER PRIMARY KEY, activated_at TEXT NOT NULL, source TEXT NOT NULL, csv TEXT NOT NULL))",
        "ALTER TABLE studies ADD COLUMN procedure_id TEXT",
        "ALTER TABLE studies ADD COLUMN procedure_name TEXT",
        R"(CREATE TABLE flags (
            study_uid TEXT NOT NULL REFERENCES studies (study_uid), seq INTEGER NOT NULL,
            kind TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, level REAL NOT NULL,
            table_version INTEGER, studies TEXT, review_state TEXT NOT NULL, raised_at TEXT NOT NULL,
            PRIMARY KEY (study_uid, seq)))",
        "CREATE INDEX flags_by_kind ON flags (kind)",
    },
    // 3: device-profile estimates
    {
        "ALTER TABLE studies ADD COLUMN exposure_time_estimated INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE studies ADD COLUMN estimated_dose_usv REAL",
    },
    // 4: nightly audit runs, their findings, and what reconciliation retrieved that had no dose content
    {
        R"(CREATE TABLE audit_runs (
            id INTEGER PRIMARY KEY, trigger TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL, pacs TEXT,
            pacs_studies INTEGER NOT NULL DEFAULT 0, pacs_dose_objects INTEGER NOT NULL DEFAULT 0,
            retrieved INTEGER NOT NULL DEFAULT 0, retrieve_failed INTEGER NOT NULL DEFAULT 0,
            studies INTEGER NOT NULL DEFAULT 0, missing_dose INTEGER NOT NULL DEFAULT 0,
            new_flags INTEGER NOT NULL DEFAULT 0, errors TEXT NOT NULL DEFAULT '', report_html TEXT,
            report_csv TEXT, mailed_to TEXT))",
        R"(CREATE TABLE audit_findings (
            run_id INTEGER NOT NULL REFERENCES audit_runs (id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
            study_uid TEXT, study_date TEXT, detail TEXT NOT NULL, PRIMARY KEY (run_id, seq)))",
        R"(CREATE TABLE reconcile_skipped (
            study_uid TEXT NOT NULL, sop_instance_uid TEXT NOT NULL, reason TEXT NOT NULL, skipped_at TEXT NOT NULL,
            PRIMARY KEY (study_uid, sop_instance_uid)))",
        "ALTER TABLE flags ADD COLUMN first_raised_at TEXT",
    },
    // 5: the web UI: local users, the audit trail, flag reviews, operators, who activated a table
    {
        R"(CREATE TABLE users (
            username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0))",
        R"(CREATE TABLE audit_trail (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL, action TEXT NOT NULL,
            detail TEXT NOT NULL, remote TEXT NOT NULL DEFAULT ''))",
        R"(CREATE TABLE flag_reviews (
            id INTEGER PRIMARY KEY, study_uid TEXT NOT NULL, kind TEXT NOT NULL, metric TEXT NOT NULL,
            state TEXT NOT NULL, comment TEXT NOT NULL, username TEXT NOT NULL, at TEXT NOT NULL))",
        "CREATE INDEX flag_reviews_by_study ON flag_reviews (study_uid)",
        "ALTER TABLE studies ADD COLUMN operators TEXT",
    },
    // 6: study totals a device writes into its images (GE DL private group 0015)
    {
        "ALTER TABLE source_objects ADD COLUMN has_running_totals INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE source_objects ADD COLUMN rt_dose_rp_gy REAL",
        "ALTER TABLE source_objects ADD COLUMN rt_dap_gym2 REAL",
        "ALTER TABLE source_objects ADD COLUMN rt_fluoro_dap_gym2 REAL",
        "ALTER TABLE source_objects ADD COLUMN rt_fluoro_time_s REAL",
        "ALTER TABLE source_objects ADD COLUMN rt_acquisition_dap_gym2 REAL",
        "ALTER TABLE source_objects ADD COLUMN rt_acquisition_time_s REAL",
    },
    // 7: high-dose alert mails, one per flag
    {
        R"(CREATE TABLE alert_mails (
            study_uid TEXT NOT NULL, kind TEXT NOT NULL, metric TEXT NOT NULL, sent_at TEXT NOT NULL,
            recipients TEXT NOT NULL, PRIMARY KEY (study_uid, kind, metric)))",
    },
    // 8: the overview counts studies per device and procedure from an index, not the whole table;
    // open flags are found from their own index
    {
        "CREATE INDEX studies_by_date_device ON studies (study_date, station_name, model, procedure_id)",
        "CREATE INDEX flags_by_state ON flags (review_state, study_uid)",
    },
    // 9: pages that stay fast at 100,000 studies: the list in date order (and its last page), by DAP,
    // an accession number, and the devices from an index rather than every object's row
    {
        "CREATE INDEX studies_by_date_time ON studies (study_date, study_time, study_uid)",
        "DROP INDEX studies_by_date",
        "CREATE INDEX studies_by_dap ON studies (dap_gym2)",
        "CREATE INDEX studies_by_accession ON studies (accession_number)",
        "CREATE INDEX source_objects_by_device ON source_objects (station_name, model, manufacturer, received_at, study_uid)",
    },
    // 10: the staff dose estimate's tables (rates, operator profiles), every version kept
    {
        R"(CREATE TABLE staff_tables (
            version INTEGER PRIMARY KEY, kind TEXT NOT NULL, activated_at TEXT NOT NULL, source TEXT NOT NULL,
            csv TEXT NOT NULL))",
    },
    // 11: each new object takes the next arrival number from an index instead of reading every object
    {
        "CREATE INDEX source_objects_by_arrival ON source_objects (arrival)",
    },
    // 12: sites of a group sharing one database: what each study, object, review and audit run
    // belongs to ('' until its site names it), and the group's own settings (its patient-key secret)
    {
        "ALTER TABLE studies ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE source_objects ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE flag_reviews ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE audit_runs ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX studies_by_site_date ON studies (site, study_date, study_time, study_uid)",
        "CREATE INDEX audit_runs_by_site ON audit_runs (site, outcome)",
        "CREATE TABLE group_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE sites (name TEXT PRIMARY KEY, first_seen TEXT NOT NULL)",
    },
    // 13: a page of a million studies from an index whatever it is sorted or filtered by, and its
    // count without a scan of all of them: one procedure's, one device's, by DAP, and unreviewed
    // first (each study keeps its count of open and of all flags, store/FlagRows.cpp)
    {
        "CREATE INDEX studies_by_procedure ON studies (procedure_id, study_date, study_time, study_uid)",
        "DROP INDEX studies_by_dap",
        "CREATE INDEX studies_by_dap ON studies (dap_gym2, study_uid)",
        "ALTER TABLE studies ADD COLUMN open_flags INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE studies ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE studies SET open_flags = (SELECT COUNT(*) FROM flags f WHERE f.study_uid = studies.study_uid AND "
        "f.review_state = 'unreviewed'), flag_count = (SELECT COUNT(*) FROM flags f WHERE f.study_uid = studies.study_uid) "
        "WHERE study_uid IN (SELECT study_uid FROM flags)",
        "CREATE INDEX studies_by_flags ON studies (open_flags DESC, flag_count DESC, study_date, study_uid)",
        "CREATE INDEX studies_flagged ON studies (study_date, study_time, study_uid) WHERE flag_count > 0",
        // a site's own reference tables beside the group's ('')
        "ALTER TABLE reference_tables ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        // A device is its station name, else its model (StudyWhere, deviceLabel).
        "CREATE INDEX studies_by_device ON studies ((COALESCE(NULLIF(station_name, ''), model)), study_date, study_time, "
        "study_uid)",
    },
    // 14: how many studies each site has per day, procedure and device, kept as studies change
    // (store/Rows.cpp moveCount): a page's total without counting a million rows
    {
        R"(CREATE TABLE study_counts (
            site TEXT NOT NULL, study_date TEXT NOT NULL, procedure_id TEXT NOT NULL, device TEXT NOT NULL,
            n INTEGER NOT NULL, PRIMARY KEY (site, study_date, procedure_id, device)))",
        "INSERT INTO study_counts (site, study_date, procedure_id, device, n) SELECT site, COALESCE(study_date, ''), "
        "COALESCE(procedure_id, ''), COALESCE(NULLIF(station_name, ''), model, ''), COUNT(*) FROM studies "
        "GROUP BY site, COALESCE(study_date, ''), COALESCE(procedure_id, ''), COALESCE(NULLIF(station_name, ''), model, '')",
    },
    // 15: the devices of each site (two sites may each have a CARM1), from an index alone
    {
        "DROP INDEX source_objects_by_device",
        "CREATE INDEX source_objects_by_device ON source_objects (site, station_name, model, manufacturer, received_at, "
        "study_uid)",
        // the few studies known from image headers only, per device
        "CREATE INDEX studies_without_dose ON studies (site, station_name, model) WHERE source = 'image-headers'",
    },
    // 16: the patient's estimate for every study with an exposure time, at the default position (intensifier
    // above at 40 cm: the study's 448.0 uSv/h at the table surface) where no device profile gave a rate;
    // before, only studies of devices with a profile had one (rules/PatientDose.h)
    {
        "UPDATE studies SET estimated_dose_usv = exposure_time_s * 448.0 / 3600.0 WHERE estimated_dose_usv IS NULL AND "
        "exposure_time_s IS NOT NULL",
    },
    // 17: the skin dose: each event's geometry (one column, store/EventGeometry.h), the patient's size and weight
    // as each object gives them, and per study its peak skin dose (on the row, for lists and sorting) and map
    // (skin/; studies stored before have none until `reprocess` reads their kept reports again)
    {
        "ALTER TABLE events ADD COLUMN geometry TEXT",
        "ALTER TABLE source_objects ADD COLUMN patient_height_m REAL",
        "ALTER TABLE source_objects ADD COLUMN patient_weight_kg REAL",
        "ALTER TABLE studies ADD COLUMN psd_gy REAL",
        R"(CREATE TABLE skin_doses (
            study_uid TEXT PRIMARY KEY REFERENCES studies (study_uid), psd_gy REAL, region TEXT NOT NULL,
            missing TEXT NOT NULL, assumptions TEXT NOT NULL, dap_on_phantom REAL, model TEXT NOT NULL,
            phantom TEXT NOT NULL, normalisation TEXT NOT NULL, around INTEGER NOT NULL, along INTEGER NOT NULL,
            map TEXT NOT NULL, events INTEGER NOT NULL, flat_cm REAL NOT NULL, radius_cm REAL NOT NULL,
            length_cm REAL NOT NULL, computed_at TEXT NOT NULL))",
        "CREATE INDEX studies_by_psd ON studies (psd_gy, study_uid)",
    },
    // 18: follow-up of substantial doses (NCRP 168): one per study with a substantial flag, due two to
    // four weeks after it, closed by the outcome a physicist records
    {
        R"(CREATE TABLE follow_ups (
            study_uid TEXT PRIMARY KEY REFERENCES studies (study_uid), site TEXT NOT NULL DEFAULT '',
            patient_key TEXT, opened_at TEXT NOT NULL, reasons TEXT NOT NULL, due_from TEXT NOT NULL,
            due_to TEXT NOT NULL, outcome TEXT, outcome_note TEXT NOT NULL DEFAULT '', recorded_by TEXT,
            recorded_at TEXT))",
        "CREATE INDEX follow_ups_by_due ON follow_ups (site, due_to, study_uid)",
    },
    // 19: dose summaries sent to a FHIR server: each study's revision (counted up by every change of its
    // figures) sent (refusal NULL) or refused; the changed studies found from their time of change
    {
        "ALTER TABLE studies ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
        R"(CREATE TABLE fhir_pushes (
            study_uid TEXT PRIMARY KEY, site TEXT NOT NULL DEFAULT '', revision INTEGER NOT NULL,
            updated_at TEXT NOT NULL, sent_at TEXT NOT NULL, refusal TEXT))",
        "CREATE INDEX fhir_pushes_by_site ON fhir_pushes (site, updated_at)",
        "CREATE INDEX studies_by_update ON studies (site, updated_at, study_uid)",
    },
    // 20: each warning's sentence and each audit-trail detail as its catalog id and values (JSON), so
    // that a person reads it in their language; the English stays for logs, scripts, the audit repository
    // and rows written before
    {
        "ALTER TABLE object_warnings ADD COLUMN text TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE study_warnings ADD COLUMN text TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE audit_trail ADD COLUMN detail_text TEXT NOT NULL DEFAULT ''",
    },
};

} // namespace

int migrate(Database& db) {
    // Services of a group starting at once on a new database: one migrates, the others wait for it.
    db.lock("fluoroaudit schema");
    struct Unlock {
        Database& db;
        ~Unlock() {
            try {
                db.unlock("fluoroaudit schema");
            } catch (...) {
            }
        }
    } unlock{db};
    db << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", now;
    int current = 0;
    db << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(current), now;
    const int newest = static_cast<int>(kMigrations.size());
    if (current > newest)
        throw Error("the database schema is version " + std::to_string(current) + " but this fluoroaudit knows only " +
                    std::to_string(newest) + ": install the newer fluoroaudit that wrote it");
    for (int v = current + 1; v <= newest; ++v) {
        Poco::Data::Transaction tx(db.session());
        for (const char* sql : kMigrations[static_cast<std::size_t>(v - 1)]) db << db.ddl(sql), now;
        db << "INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)", bind(v), now;
        tx.commit();
    }
    return newest;
}

} // namespace fa::store
