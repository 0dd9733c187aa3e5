// The table itself: every key with its type, check and meaning (pipeline/ConfigKeys.h).
#include "pipeline/ConfigKeys.h"

#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <filesystem>
#include <cstdio>
#include <sstream>
#include <type_traits>

namespace fa {

namespace {

std::string quoted(const std::string& v) { return "'" + v + "'"; }

std::string decimalText(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

std::optional<bool> parseBool(const std::string& v) {
    const std::string s = Poco::toLower(v);
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    return std::nullopt;
}

ConfigKey base(const char* section, const char* name, std::string type, const char* help) {
    ConfigKey k;
    k.section = section;
    k.name = name;
    k.type = std::move(type);
    k.help = help;
    k.defaultText = [] { return std::string(); };
    return k;
}

// Field: Settings& -> the member it sets (defaults are read from a default-constructed Settings).
template <class Field>
ConfigKey integer(const char* section, const char* name, long long min, long long max, const char* help, Field field) {
    ConfigKey k = base(section, name, "whole number " + std::to_string(min) + "–" + std::to_string(max), help);
    k.set = [=](Settings& s, const std::string&, const std::string& v) -> std::string {
        Poco::Int64 n = 0;
        if (!Poco::NumberParser::tryParse64(Poco::trim(v), n) || n < min || n > max)
            return quoted(v) + " is not a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        auto& target = field(s);
        target = static_cast<std::remove_reference_t<decltype(target)>>(n);
        return {};
    };
    k.defaultText = [=] {
        Settings d;
        return std::to_string(field(d));
    };
    return k;
}

template <class Field>
ConfigKey decimal(const char* section, const char* name, double min, double max, const char* help, Field field) {
    ConfigKey k = base(section, name, "number " + decimalText(min) + "–" + decimalText(max), help);
    k.set = [=](Settings& s, const std::string&, const std::string& v) -> std::string {
        double d = 0;
        if (!Poco::NumberParser::tryParseFloat(Poco::trim(v), d) || !(d >= min && d <= max))
            return quoted(v) + " is not a number from " + decimalText(min) + " to " + decimalText(max);
        field(s) = d;
        return {};
    };
    k.defaultText = [=] {
        Settings d;
        return decimalText(field(d));
    };
    return k;
}

template <class Field>
ConfigKey boolean(const char* section, const char* name, const char* help, Field field) {
    ConfigKey k = base(section, name, "true or false", help);
    k.set = [=](Settings& s, const std::string&, const std::string& v) -> std::string {
        const auto b = parseBool(v);
        if (!b) return quoted(v) + " is not true or false";
        field(s) = *b;
        return {};
    };
    k.defaultText = [=] {
        Settings d;
        return std::string(field(d) ? "true" : "false");
    };
    return k;
}

using Check = std::string (*)(const std::string&);

// A text value; `check` returns why a value is not valid ("" when it is).
template <class Field>
ConfigKey text(const char* section, const char* name, std::string type, const char* help, Field field,
               Check check = nullptr) {
    ConfigKey k = base(section, name, std::move(type), help);
    k.set = [=](Settings& s, const std::string&, const std::string& v) -> std::string {
        if (check)
            if (auto why = check(v); !why.empty()) return why;
        field(s) = v;
        return {};
    };
    k.defaultText = [=] {
        Settings d;
        return std::string(field(d));
    };
    return k;
}

std::string notEmpty(const std::string& v) { return v.empty() ? "must not be empty" : ""; }
std::string mailAddress(const std::string& v) { return v.find('@') == std::string::npos ? quoted(v) + " is not a mail address" : ""; }
std::string reportLanguage(const std::string& v) {
    return v == "en" || v == "zh" ? "" : quoted(v) + " is not en (English) or zh (Simplified Chinese)";
}
std::string oneOfMoveGet(const std::string& v) { return v == "move" || v == "get" ? "" : quoted(v) + " is not move or get"; }
std::string logLevel(const std::string& v) {
    if (v == "error" || v == "warning" || v == "information" || v == "debug") return {};
    return quoted(v) + " is not one of error, warning, information, debug";
}
// What Poco's FileChannel accepts as a size: bytes, or K or M (a "10 MB" would abort the logger).
std::string rotateSize(const std::string& v) {
    static const Poco::RegularExpression form("^(never|[0-9]+ ?[KM]?)$");
    return form.match(v) ? "" : quoted(v) + " is not a size such as 10M, 500K or 1000000 (or never)";
}
std::string timeOfDay(const std::string& v) {
    static const Poco::RegularExpression form("^([01][0-9]|2[0-3]):[0-5][0-9]$");
    return form.match(v) ? "" : quoted(v) + " is not a time of day HH:MM (24 hours)";
}

// A host name (RFC 1123) or an IPv4 / IPv6 address: "10.0.0.300" is neither.
std::string hostOrAddress(const std::string& v) {
    if (v.empty()) return "must not be empty";
    unsigned char buffer[sizeof(in6_addr)];
    if (::inet_pton(AF_INET, v.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, v.c_str(), buffer) == 1) return {};
    static const Poco::RegularExpression label("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
    static const Poco::RegularExpression dotted("^[0-9.]+$");
    if (dotted.match(v)) return quoted(v) + " is not an IPv4 address (four numbers 0–255)";
    std::istringstream in(v);
    std::string one;
    while (std::getline(in, one, '.'))
        if (!label.match(one)) return quoted(v) + " is not a host name or address";
    return v.size() > 253 || v.back() == '.' ? quoted(v) + " is not a host name or address" : "";
}

// A Specific Character Set value (PS3.3 C.12.1.1.2), one term or several separated by '\'.
std::string characterSet(const std::string& v) {
    static const char* const kTerms[] = {
        "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127", "ISO_IR 126",
        "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 166", "ISO_IR 13", "ISO_IR 192", "GB18030", "GBK",
        "ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110", "ISO 2022 IR 144",
        "ISO 2022 IR 127", "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 148", "ISO 2022 IR 203",
        "ISO 2022 IR 166", "ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58"};
    auto squeezed = [](const std::string& t) {
        std::string out;
        for (char c : t)
            if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
    };
    std::istringstream in(v);
    for (std::string term; std::getline(in, term, '\\');) {
        term = Poco::trim(term);
        if (std::find(std::begin(kTerms), std::end(kTerms), term) != std::end(kTerms)) continue;
        std::string hint;
        if (squeezed(term) == "UTF8") hint = "ISO_IR 192";
        for (const char* known : kTerms)
            if (hint.empty() && squeezed(term) == squeezed(known)) hint = known;
        return "'" + term + "' is not a DICOM character set" +
               (hint.empty() ? std::string(" (e.g. ISO_IR 192 for UTF-8, GB18030, ISO_IR 100)") : " (did you mean " + hint + "?)");
    }
    return {};
}

// An IANA time zone this machine knows (its tz database: Debian's tzdata).
std::string timeZone(const std::string& v) {
    static const Poco::RegularExpression form("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$");
    std::error_code ec;
    if (form.match(v) && std::filesystem::is_regular_file("/usr/share/zoneinfo/" + v, ec)) return {};
    return quoted(v) + " is not an IANA time zone such as Asia/Shanghai or Europe/Berlin";
}

// An http:// or https:// address.
std::string webAddressCheck(const std::string& v) {
    return v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0 ? "" : quoted(v) + " is not an http:// or https:// address";
}

std::string existingFile(const std::string& v) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(v, ec)) return {};
    return std::filesystem::exists(v, ec) ? quoted(v) + " is not a file" : quoted(v) + " does not exist";
}

std::string existingFolder(const std::string& v) {
    std::error_code ec;
    if (std::filesystem::is_directory(v, ec)) return {};
    return std::filesystem::exists(v, ec) ? quoted(v) + " is not a folder" : quoted(v) + " does not exist";
}

} // namespace

namespace {

#define FIELD(member) [](Settings& s) -> auto& { return s.member; }

void dicomKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("data", "dir", "folder", "the data folder: database, site secret, spool, archive, quarantine",
                     FIELD(dataDir), notEmpty));
    t.push_back(text("store", "url", "PostgreSQL URL",
                     "postgresql://USER@HOST:PORT/DB: the studies in a PostgreSQL a group shares; empty: SQLite in the data folder",
                     FIELD(store.url), [](const std::string& v) -> std::string {
                         if (v.empty() || store::isServerUrl(v)) return {};
                         return quoted(v) + " is not a postgresql://USER@HOST:PORT/DATABASE URL";
                     }));
    t.push_back(text("store", "password_file", "file", "the PostgreSQL password, alone in a file of mode 0600",
                     FIELD(store.passwordFile), existingFile));
    t.push_back(text("site", "name", "name",
                     "this site's name in a group sharing one database, stored with each study; empty: the host name",
                     FIELD(site), [](const std::string& v) -> std::string {
                         return v.size() > 64 ? quoted(v) + " is longer than 64 characters" : "";
                     }));
    t.push_back(text("dicom", "ae_title", "AE title", "this service's AE title", FIELD(listener.aeTitle), checkAeTitle));
    t.push_back(integer("dicom", "port", 1, 65535, "DICOM port", FIELD(listener.port)));
    t.push_back(integer("dicom", "tls_port", 0, 65535, "DICOM over TLS port ([tls] files); 0 = none",
                        FIELD(listener.tlsPort)));
    t.push_back(integer("dicom", "max_associations", 1, 500, "associations served at once", FIELD(listener.maxAssociations)));
    t.push_back(integer("dicom", "acse_timeout_s", 1, 3600, "wait for association requests and releases",
                        FIELD(listener.acseTimeout_s)));
    t.push_back(integer("dicom", "dimse_timeout_s", 1, 3600, "wait for the next message of an open association",
                        FIELD(listener.dimseTimeout_s)));
    t.push_back(integer("dicom", "max_pdu", 4096, 131072, "largest PDU received", FIELD(listener.maxPdu)));
    t.push_back(integer("dicom", "spool_min_free_mb", 0, 1000000, "below this free space, objects are received in memory first",
                        FIELD(listener.spoolMinFree_mb)));
    t.push_back(boolean("dicom", "require_known_peers", "refuse callers not listed as [peer.NAME]",
                        FIELD(listener.requireKnownPeers)));
    t.push_back(integer("limits", "nesting_depth", 8, 1000, "objects with sequences nested deeper are refused unread",
                        FIELD(extraction.limits.maxDepth)));
    ConfigKey content = base("limits", "content_mb", "whole number 1–4096",
                             "objects holding more (MB, besides pixel data) are refused unread");
    content.set = [](Settings& s, const std::string&, const std::string& v) -> std::string {
        Poco::Int64 n = 0;
        if (!Poco::NumberParser::tryParse64(Poco::trim(v), n) || n < 1 || n > 4096)
            return quoted(v) + " is not a whole number from 1 to 4096";
        s.extraction.limits.maxContentBytes = static_cast<std::uint64_t>(n) << 20;
        return {};
    };
    content.defaultText = [] { return std::to_string(Settings().extraction.limits.maxContentBytes >> 20); };
    t.push_back(content);
    t.push_back(integer("processing", "attempts", 1, 100, "failed attempts before an object goes to quarantine",
                        FIELD(processingAttempts)));
    t.push_back(boolean("privacy", "store_patient_identifiers", "also store patient ID, name and birth date",
                        FIELD(storePatientIdentifiers)));
    t.push_back(text("charset", "default", "DICOM character set", "assumed when Specific Character Set is empty",
                     FIELD(extraction.defaultCharacterSet), characterSet));
    ConfigKey device = base("device_charsets", "*", "DICOM character set", "per device (station, model or manufacturer)");
    device.set = [](Settings& s, const std::string& instance, const std::string& v) -> std::string {
        if (auto why = characterSet(v); !why.empty()) return why;
        s.extraction.deviceCharacterSets[instance] = v;
        return {};
    };
    t.push_back(device);
}

Peer& peerNamed(Settings& s, const std::string& name) {
    auto& peers = s.listener.peers;
    auto it = std::find_if(peers.begin(), peers.end(), [&](const Peer& p) { return p.name == name; });
    return it != peers.end() ? *it : peers.emplace_back(Peer{name, name, "", ""});
}

rules::DeviceProfile& profileNamed(Settings& s, const std::string& name) {
    auto& profiles = s.rules.deviceProfiles;
    auto it = std::find_if(profiles.begin(), profiles.end(), [&](const rules::DeviceProfile& p) { return p.name == name; });
    return it != profiles.end() ? *it : profiles.emplace_back(rules::DeviceProfile{name, name, 0, 0});
}

// Keys of sections a site names itself: the NAME is the instance.
ConfigKey named(const char* section, const char* name, std::string type, const char* help,
                std::function<std::string(Settings&, const std::string&, const std::string&)> set) {
    ConfigKey k = base(section, name, std::move(type), help);
    k.set = std::move(set);
    return k;
}

std::string parseRange(const std::string& v, double min, double max, double& out) {
    double d = 0;
    if (!Poco::NumberParser::tryParseFloat(Poco::trim(v), d) || !(d >= min && d <= max))
        return quoted(v) + " is not a number from " + decimalText(min) + " to " + decimalText(max);
    out = d;
    return {};
}

void namedSectionKeys(std::vector<ConfigKey>& t) {
    t.push_back(named("peer.NAME", "ae_title", "AE title", "the peer's calling AE title (default NAME)",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          auto why = checkAeTitle(v);
                          if (why.empty()) peerNamed(s, n).aeTitle = v;
                          return why;
                      }));
    t.push_back(named("peer.NAME", "host", "host or address", "the only address it may call from",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          auto why = hostOrAddress(v);
                          if (why.empty()) peerNamed(s, n).host = v;
                          return why;
                      }));
    t.push_back(named("peer.NAME", "charset", "DICOM character set", "assumed for its objects without one",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          auto why = characterSet(v);
                          if (why.empty()) peerNamed(s, n).characterSet = v;
                          return why;
                      }));
    t.push_back(named("device_profile.NAME", "device", "station, serial or model", "the device the profile is for",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          profileNamed(s, n).device = v;
                          return std::string();
                      }));
    t.push_back(named("device_profile.NAME", "seconds_per_shot", "number 0.001–3600", "exposure time of one shot",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          return parseRange(v, 0.001, 3600, profileNamed(s, n).secondsPerShot);
                      }));
    t.push_back(named("device_profile.NAME", "dose_rate_usv_per_h", "number 0–1e9", "dose-equivalent rate at the table",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          return parseRange(v, 0, 1e9, profileNamed(s, n).doseRate_uSv_per_h);
                      }));
    t.push_back(named("device_profile.NAME", "intensifier", "above or below", "where its image intensifier is (the patient's estimate)",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          if (v == "above") profileNamed(s, n).intensifier = rules::Intensifier::Above;
                          else if (v == "below") profileNamed(s, n).intensifier = rules::Intensifier::Below;
                          else return std::string("above or below");
                          return std::string();
                      }));
    t.push_back(named("device_profile.NAME", "intensifier_distance_cm", "number 1–200",
                      "intensifier to table; a table-surface rate at it (deploy/patient-rates.csv)",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          return parseRange(v, 1, 200, profileNamed(s, n).intensifierDistance_cm);
                      }));
}

void levelKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("levels", "file", "CSV file", "a reference-level table to activate when it differs", FIELD(levelsFile),
                     existingFile));
    t.push_back(decimal("levels", "investigation_multiplier", 1, 100, "investigation level = reference level × this",
                        FIELD(rules.investigationMultiplier)));
    t.push_back(decimal("levels", "substantial_kar_mgy", 0, 1e9, "NCRP 168 substantial Ka,r", FIELD(rules.substantialKar_mGy)));
    t.push_back(decimal("levels", "substantial_dap_gycm2", 0, 1e9, "substantial DAP", FIELD(rules.substantialDap_Gycm2)));
    t.push_back(decimal("levels", "substantial_fluoro_time_s", 0, 1e9, "substantial fluoroscopy time",
                        FIELD(rules.substantialFluoroTime_s)));
    t.push_back(decimal("levels", "substantial_psd_mgy", 0, 1e9, "substantial peak skin dose", FIELD(rules.substantialPsd_mGy)));
    t.push_back(integer("levels", "cumulative_window_days", 1, 3650, "window of the cumulative patient dose",
                        FIELD(rules.cumulativeWindowDays)));
    t.push_back(decimal("staff", "annual_level_msv", 0.001, 1000, "annual level of a staff member's estimated dose",
                        FIELD(staffAnnualLevel_mSv)));
}

// A text value compared and stored in lower case.
template <class Field>
ConfigKey lowerCase(const char* section, const char* name, std::string type, const char* help, Field field, Check check) {
    ConfigKey k = text(section, name, std::move(type), help, field, check);
    k.set = [=](Settings& s, const std::string&, const std::string& v) -> std::string {
        const std::string lower = Poco::toLower(v);
        if (auto why = check(lower); !why.empty()) return why;
        field(s) = lower;
        return {};
    };
    return k;
}

void pacsKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("pacs", "ae_title", "AE title", "the PACS the nightly audit reconciles with", FIELD(pacs.aeTitle),
                     checkAeTitle));
    t.push_back(text("pacs", "host", "host or address", "where the PACS listens", FIELD(pacs.host), hostOrAddress));
    t.push_back(integer("pacs", "port", 1, 65535, "the PACS's port", FIELD(pacs.port)));
    t.push_back(integer("pacs", "timeout_s", 1, 3600, "connect, association and message timeout", FIELD(pacs.timeout_s)));
    t.push_back(lowerCase("pacs", "retrieve", "move or get", "C-MOVE to move_destination, or C-GET", FIELD(pacs.retrieve),
                          oneOfMoveGet));
    t.push_back(text("pacs", "move_destination", "AE title", "where the PACS sends moved objects (default [dicom] ae_title)",
                     FIELD(pacs.moveDestination), checkAeTitle));
    t.push_back(boolean("pacs", "tls", "DICOM over TLS to the PACS, with the [tls] files", FIELD(pacs.tls)));
    t.push_back(boolean("pacs", "retrieve_image_headers", "fetch the images of studies without a dose object",
                        FIELD(pacs.retrieveImageHeaders)));
    t.push_back(integer("pacs", "wait_for_retrieved_s", 1, 86400, "how long moved objects may take to be stored",
                        FIELD(pacs.waitForRetrieved_s)));
}

void tlsKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("tls", "certificate", "PEM file", "this service's certificate for DICOM over TLS",
                     FIELD(tls.certificate), existingFile));
    t.push_back(text("tls", "private_key", "PEM file", "its private key (unencrypted, readable by the service only)",
                     FIELD(tls.privateKey), existingFile));
    t.push_back(text("tls", "ca_file", "PEM file", "the authorities that sign the certificates of trusted peers",
                     FIELD(tls.caFile), existingFile));
    t.push_back(boolean("tls", "require_peer_certificate", "refuse TLS peers without a trusted certificate",
                        FIELD(tls.requirePeerCertificate)));
}

std::string atnaDestination(const std::string& v) {
    AtnaDestination d;
    return parseAtnaDestination(v, d);
}

void atnaKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("atna", "destination", "udp://HOST:PORT or tls://HOST:PORT",
                     "the audit record repository (syslog) for IHE ATNA messages; none = not sent", FIELD(atna.destination),
                     atnaDestination));
    t.push_back(text("atna", "source_id", "text", "AuditSourceID (default AE title @ host name)", FIELD(atna.sourceId)));
    t.push_back(text("atna", "enterprise_site_id", "text", "AuditEnterpriseSiteID", FIELD(atna.enterpriseSiteId)));
    t.push_back(integer("atna", "queue", 1, 1000000, "messages kept while the repository is unreachable",
                        FIELD(atna.queue)));
}

void auditKeys(std::vector<ConfigKey>& t) {
    t.push_back(boolean("audit", "schedule", "serve runs the nightly audit itself", FIELD(audit.scheduled)));
    ConfigKey time = base("audit", "time", "HH:MM", "local time of the daily run");
    time.set = [](Settings& s, const std::string&, const std::string& v) -> std::string {
        if (auto why = timeOfDay(v); !why.empty()) return why;
        s.audit.hour = std::stoi(v.substr(0, 2));
        s.audit.minute = std::stoi(v.substr(3, 2));
        return {};
    };
    time.defaultText = [] {
        Settings d;
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "%02d:%02d", d.audit.hour % 100, d.audit.minute % 100);
        return std::string(buffer);
    };
    t.push_back(time);
    t.push_back(text("audit", "reports_dir", "folder", "where reports are written (default DATA/reports)",
                     FIELD(audit.reportsDir)));
    t.push_back(integer("audit", "unreviewed_days", 0, 3650, "unreviewed flags older than this are listed",
                        FIELD(audit.unreviewedDays)));
    t.push_back(lowerCase("report", "language", "en or zh", "the language of the nightly report", FIELD(audit.language),
                          reportLanguage));
}

// "a@x, b@y" into `out`; why not when one is no address.
std::string mailAddresses(const std::string& v, std::vector<std::string>& out) {
    out.clear();
    std::istringstream in(v);
    for (std::string one; std::getline(in, one, ',');) {
        one = Poco::trim(one);
        if (one.empty()) continue;
        if (auto why = mailAddress(one); !why.empty()) return why;
        out.push_back(one);
    }
    return {};
}

AlertRule& alertRuleNamed(Settings& s, const std::string& name) {
    auto& rules = s.alerts.rules;
    auto it = std::find_if(rules.begin(), rules.end(), [&](const AlertRule& r) { return r.name == name; });
    return it != rules.end() ? *it : rules.emplace_back(AlertRule{name, "", "", {}});
}

void alertKeys(std::vector<ConfigKey>& t) {
    ConfigKey to = base("alerts", "to", "mail addresses, comma-separated",
                        "recipients of every high-dose alert mail; none = only those of [alert.NAME]");
    to.set = [](Settings& s, const std::string&, const std::string& v) { return mailAddresses(v, s.alerts.to); };
    t.push_back(to);
    ConfigKey kinds = base("alerts", "kinds", "flag kinds, comma-separated", "flags that send an alert at once");
    kinds.set = [](Settings& s, const std::string&, const std::string& v) -> std::string {
        std::vector<std::string> out;
        std::istringstream in(v);
        for (std::string one; std::getline(in, one, ',');) {
            one = Poco::trim(one);
            if (one.empty()) continue;
            if (one != "above-reference" && one != "investigation" && one != "substantial" && one != "cumulative")
                return "'" + one + "' is not one of above-reference, investigation, substantial, cumulative";
            out.push_back(one);
        }
        s.alerts.kinds = out;
        return {};
    };
    kinds.defaultText = [] { return std::string("investigation, substantial, cumulative"); };
    t.push_back(kinds);
    t.push_back(integer("alerts", "max_age_days", 0, 3650, "studies dated longer ago get no alert",
                        [](Settings& s) -> auto& { return s.alerts.maxAgeDays; }));
    t.push_back(integer("alerts", "check_seconds", 1, 3600, "how often new flags are looked for",
                        [](Settings& s) -> auto& { return s.alerts.checkSeconds; }));
    t.push_back(named("alert.NAME", "procedure", "procedure id", "alerts of this procedure only",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          alertRuleNamed(s, n).procedure = v;
                          return std::string();
                      }));
    t.push_back(named("alert.NAME", "device", "station, serial or model", "alerts of this device only",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          alertRuleNamed(s, n).device = v;
                          return std::string();
                      }));
    t.push_back(named("alert.NAME", "to", "mail addresses, comma-separated", "who gets these alerts",
                      [](Settings& s, const std::string& n, const std::string& v) {
                          return mailAddresses(v, alertRuleNamed(s, n).to);
                      }));
}

void mailKeys(std::vector<ConfigKey>& t) {
    ConfigKey to = base("mail", "to", "mail addresses, comma-separated", "recipients of the report; none = not mailed");
    to.set = [](Settings& s, const std::string&, const std::string& v) { return mailAddresses(v, s.mail.to); };
    t.push_back(to);
    t.push_back(text("mail", "host", "host or address", "the SMTP server", FIELD(mail.host), hostOrAddress));
    t.push_back(integer("mail", "port", 1, 65535, "the SMTP port", FIELD(mail.port)));
    t.push_back(boolean("mail", "starttls", "upgrade with STARTTLS before sending", FIELD(mail.starttls)));
    t.push_back(boolean("mail", "verify_certificate", "verify the server's certificate", FIELD(mail.verifyCertificate)));
    t.push_back(text("mail", "ca_file", "PEM file", "authority of the server's certificate", FIELD(mail.caFile), existingFile));
    t.push_back(text("mail", "username", "text", "SMTP AUTH LOGIN user", FIELD(mail.username)));
    t.push_back(text("mail", "password", "text", "SMTP AUTH LOGIN password", FIELD(mail.password)));
    t.push_back(text("mail", "from", "mail address", "the sender address", FIELD(mail.from), mailAddress));
    t.push_back(integer("mail", "timeout_s", 1, 3600, "SMTP timeout", FIELD(mail.timeout_s)));
}

void fhirKeys(std::vector<ConfigKey>& t) {
    t.push_back(text("fhir", "url", "URL", "the FHIR server's base that dose summaries are sent to; none = not sent",
                     FIELD(fhir.url), webAddressCheck));
    t.push_back(text("fhir", "token_file", "file", "a bearer token for the server (read at each send)", FIELD(fhir.tokenFile),
                     existingFile));
    t.push_back(text("fhir", "ca_file", "PEM file", "authority of the server's certificate", FIELD(fhir.caFile), existingFile));
    t.push_back(text("fhir", "since", "YYYY-MM-DD", "studies dated before this day are not sent", FIELD(fhir.since),
                     [](const std::string& v) -> std::string {
                         static const Poco::RegularExpression day("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
                         return day.match(v) ? "" : "'" + v + "' is not a date YYYY-MM-DD";
                     }));
    t.push_back(integer("fhir", "batch", 1, 500, "studies per Bundle", FIELD(fhir.batch)));
    t.push_back(integer("fhir", "check_seconds", 1, 3600, "how often changed studies are looked for",
                        FIELD(fhir.checkSeconds)));
    t.push_back(integer("fhir", "timeout_s", 1, 3600, "HTTP timeout", FIELD(fhir.timeout_s)));
    t.push_back(integer("fhir", "retry_max_seconds", 1, 86400, "longest wait before a failed send is tried again",
                        FIELD(fhir.retryMaxSeconds)));
}

void httpAndLogKeys(std::vector<ConfigKey>& t) {
    t.push_back(integer("http", "port", 0, 65535, "web UI and REST API port; 0 = none", FIELD(http.port)));
    t.push_back(text("http", "bind", "address", "the address to listen on", FIELD(http.bind), hostOrAddress));
    t.push_back(text("http", "certificate", "PEM file", "HTTPS certificate (with private_key)", FIELD(http.certificate),
                     existingFile));
    t.push_back(text("http", "private_key", "PEM file", "HTTPS private key (with certificate)", FIELD(http.privateKey),
                     existingFile));
    t.push_back(integer("http", "session_idle_minutes", 1, 1440, "a session unused this long ends",
                        FIELD(http.sessionIdleMinutes)));
    t.push_back(text("http", "web_dir", "folder", "the built front-end (default beside the binary)", FIELD(http.webDir),
                     existingFolder));
    t.push_back(text("http", "public_url", "URL", "how users reach the web UI, for links in reports and alert mails",
                     FIELD(http.publicUrl), webAddressCheck));
    t.push_back(text("http", "time_zone", "IANA time zone", "for times shown in the web UI", FIELD(http.timeZone),
                     timeZone));
    t.push_back(text("log", "file", "file", "the log file (default DATA/logs/fluoroaudit.log)", FIELD(log.file)));
    t.push_back(text("log", "rotate_size", "size (10M, 500K)", "size at which the log is rotated", FIELD(log.rotateSize),
                     rotateSize));
    t.push_back(integer("log", "keep", 1, 1000, "rotated log files kept", FIELD(log.keep)));
    t.push_back(lowerCase("log", "level", "error, warning, information or debug", "what is logged", FIELD(log.level),
                          logLevel));
}

#undef FIELD

} // namespace

std::vector<ConfigKey> buildConfigKeys() {
    std::vector<ConfigKey> t;
    dicomKeys(t);
    namedSectionKeys(t);
    levelKeys(t);
    pacsKeys(t);
    tlsKeys(t);
    atnaKeys(t);
    auditKeys(t);
    mailKeys(t);
    alertKeys(t);
    fhirKeys(t);
    httpAndLogKeys(t);
    return t;
}

} // namespace fa
