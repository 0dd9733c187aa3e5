// What a site configures (docs/configuration.md). Defaults work with no configuration file at all.
#pragma once

#include "dicom/ObjectExtractor.h"
#include "dicom/Tls.h"
#include "rules/Evaluator.h"
#include "store/StudyStore.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fa {

// A modality or PACS allowed to send: its AE title, optionally the host it must call from, and the
// character set assumed for its objects when they leave Specific Character Set empty.
struct Peer {
    std::string name;
    std::string aeTitle;
    std::string host;
    std::string characterSet;
};

struct ListenerSettings {
    std::string aeTitle = "FLUOROAUDIT";
    std::uint16_t port = 11112;
    std::uint16_t tlsPort = 0; // DICOM over TLS beside the plain port; 0 = none
    int maxAssociations = 16;
    int acseTimeout_s = 30;
    int dimseTimeout_s = 60;
    std::uint32_t maxPdu = 116794;
    bool requireKnownPeers = false;
    int spoolMinFree_mb = 256;
    std::vector<Peer> peers;

    const Peer* peerByAeTitle(const std::string& callingAe) const;
};

struct LogSettings {
    std::string file; // "" = DATA/logs/fluoroaudit.log
    std::string rotateSize = "10M";
    int keep = 10;
    std::string level = "information";
};

// DICOM over TLS, for the listener's TLS port and the PACS client: this service's certificate and
// key, and the authority its peers' certificates must be signed by.
struct TlsSettings {
    std::string certificate, privateKey, caFile;
    bool requirePeerCertificate = true;
};

// Where IHE ATNA audit messages go (audit/Atna.h).
struct AtnaSettings {
    std::string destination;      // udp://HOST:PORT or tls://HOST:PORT (RFC 5425, with [tls]); "" = none
    std::string sourceId;         // AuditSourceID; "" = the AE title @ this host's name
    std::string enterpriseSiteId; // AuditEnterpriseSiteID; "" = none
    int queue = 10000;            // events waiting while the repository is unreachable; beyond: dropped
};

struct AtnaDestination {
    enum class Transport { Udp, Tls } transport = Transport::Udp;
    std::string host;
    std::uint16_t port = 0;
};

// Reads "udp://HOST:PORT" or "tls://HOST:PORT" into `out`; "" when it is one, else why not.
std::string parseAtnaDestination(const std::string& text, AtnaDestination& out);

// The PACS the nightly audit reconciles with (IHE REM Dose Information Consumer).
struct PacsSettings {
    std::string aeTitle; // "" = no PACS: the audit reports on what the store has
    std::string host;
    std::uint16_t port = 104;
    int timeout_s = 30;
    std::string retrieve = "move";   // move (to moveDestination) or get (on the query association)
    std::string moveDestination;     // "" = this service's AE title
    bool retrieveImageHeaders = false; // for studies without a dose object, fetch their XA/RF images
    int waitForRetrieved_s = 300;    // how long moved objects may take to be stored
    bool tls = false;                // DICOM over TLS with [tls] (the PACS's certificate is verified)

    bool configured() const { return !aeTitle.empty(); }
};

struct AuditSettings {
    bool scheduled = true; // `serve` runs the audit daily at `hour`:`minute` local time
    int hour = 2, minute = 0;
    std::string reportsDir;  // "" = DATA/reports
    int unreviewedDays = 7;  // unreviewed flags older than this are listed
    std::string language = "en"; // [report] language: en or zh, the nightly report's language
};

// Where the report is mailed; no recipients = not mailed.
struct MailSettings {
    std::string host = "localhost";
    std::uint16_t port = 25;
    bool starttls = false;
    bool verifyCertificate = true;
    std::string caFile; // "" = the system's certificate authorities
    std::string username, password;
    std::string from = "fluoroaudit@localhost";
    std::vector<std::string> to;
    int timeout_s = 30;
};

// High-dose alert mails, sent by `serve` at once when a flag of `kinds` is raised (audit/AlertMailer.h),
// through the [mail] server.
struct AlertRule {
    std::string name;
    std::string procedure; // a procedure id of the reference table; "" = any
    std::string device;    // a station name, serial number or model; "" = any
    std::vector<std::string> to;
};

struct AlertSettings {
    std::vector<std::string> to; // for every alert; none and no matching [alert.NAME]: not sent
    std::vector<std::string> kinds{"investigation", "substantial", "cumulative"};
    int maxAgeDays = 7;   // studies older than this (by study date) get no alert
    int checkSeconds = 30;
    std::vector<AlertRule> rules;

    bool configured() const;
};

// Dose summaries sent to a FHIR server (docs/fhir.md): every study filed or changed, as a transaction
// Bundle, from `serve` or `fluoroaudit fhir-push`.
struct FhirSettings {
    std::string url;        // the server's base (https://HOST/fhir); "" = not sent
    std::string tokenFile;  // a bearer token (read at each send, so it may be renewed); "" = none
    std::string caFile;     // authority of the server's certificate; "" = the system's
    std::string since;      // YYYY-MM-DD: studies dated before it are not sent; "" = all
    int batch = 20;         // studies per Bundle
    int checkSeconds = 30;  // how often changed studies are looked for
    int timeout_s = 30;
    int retryMaxSeconds = 300; // a failed send is tried again after 2, 4, 8 ... seconds up to this

    bool configured() const { return !url.empty(); }
};

// The web UI and REST API, served by `serve`.
struct HttpSettings {
    int port = 8080; // 0 = no web UI
    std::string bind = "0.0.0.0";
    std::string certificate, privateKey; // PEM files: HTTPS when both are set
    int sessionIdleMinutes = 30;
    std::string webDir;   // the built front-end; "" = beside the binary
    std::string timeZone; // IANA name for dates in the UI; "" = this machine's
    std::string publicUrl; // how users reach the web UI (links in reports and mails); "" = http://HOST:PORT/
};

// Where the studies are kept: SQLite in the data folder, or a PostgreSQL server a group shares.
struct StoreSettings {
    std::string url;          // postgresql://USER@HOST:PORT/DB (libpq parameters after ?); "" = SQLite
    std::string passwordFile; // the PostgreSQL password (0600); "" = PGPASSFILE or ~/.pgpass
};

struct Settings {
    std::string dataDir = "./fluoroaudit-data";
    StoreSettings store;
    std::string site; // [site] name; "" = this host's name
    // The site's name as stored with its studies.
    std::string siteName() const;
    bool storePatientIdentifiers = false;
    dicom::ExtractOptions extraction;
    ListenerSettings listener;
    TlsSettings tls;
    AtnaSettings atna;
    int processingAttempts = 3; // a spooled object failing this often goes to quarantine
    rules::RuleSettings rules;
    std::string levelsFile; // a reference-level CSV to activate when it differs from the active one
    double staffAnnualLevel_mSv = 20; // a staff member's estimated dose per year is compared with this (ICRP 103)
    LogSettings log;
    PacsSettings pacs;
    AuditSettings audit;
    MailSettings mail;
    AlertSettings alerts;
    FhirSettings fhir;
    HttpSettings http;

    store::StoreLocation storeLocation() const {
        return store.url.empty() ? store::StoreLocation(dataDir + "/fluoroaudit.db")
                                 : store::StoreLocation(store.url, store.passwordFile);
    }
    std::string spoolDir() const { return dataDir + "/spool"; }
    std::string quarantineDir() const { return dataDir + "/quarantine"; }
    std::string logFile() const { return log.file.empty() ? dataDir + "/logs/fluoroaudit.log" : log.file; }
    std::string statusFile() const { return dataDir + "/status.json"; }
    std::string serviceLockFile() const { return dataDir + "/serve.lock"; } // held by the running serve
    std::string reportsDir() const { return audit.reportsDir.empty() ? dataDir + "/reports" : audit.reportsDir; }
};

// The web UI's address for links ("https://dose.hospital.example/"), ending in '/'; "" without a web UI.
std::string webAddress(const Settings& s);

// The [tls] files as the DICOM side takes them.
dicom::TlsFiles tlsFiles(const Settings& s);

// Reads an INI file (see docs/configuration.md; "" for none) over the defaults, then the keys set in
// the environment as FLUOROAUDIT_SECTION_KEY (FLUOROAUDIT_STORE_URL) over the file's. Throws
// fa::Error listing every problem with its key.
Settings loadSettings(const std::string& configFile);

// Problems of settings given on the command line (port, AE title); "" when fine.
std::string checkAeTitle(const std::string& aeTitle);

// Reads "AET@HOST:PORT" (the --pacs option) into `pacs`; throws fa::Error saying what is wrong.
void parsePacsAddress(const std::string& text, PacsSettings& pacs);

} // namespace fa
