#include "plugin/Settings.h"

#include "core/Error.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <sstream>
#include <vector>

namespace fa {

namespace {

std::optional<bool> parseBool(const std::string& v) {
    const std::string s = Poco::toLower(v);
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    return std::nullopt;
}

void collectKeys(Poco::Util::AbstractConfiguration& c, const std::string& prefix, std::vector<std::string>& out) {
    Poco::Util::AbstractConfiguration::Keys keys;
    c.keys(prefix, keys);
    if (keys.empty() && !prefix.empty()) {
        out.push_back(prefix);
        return;
    }
    for (const auto& k : keys) collectKeys(c, prefix.empty() ? k : prefix + "." + k, out);
}

// "[section] key" for messages, from "section.key" (or "peer.NAME.key").
std::string where(const std::string& key) {
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) return key;
    return "[" + key.substr(0, dot) + "] " + key.substr(dot + 1);
}

class Reader {
public:
    explicit Reader(std::vector<std::string>& problems) : problems_(problems) {}

    void integer(const std::string& key, const std::string& v, int min, int max, const std::function<void(int)>& set) {
        int n = 0;
        if (!Poco::NumberParser::tryParse(Poco::trim(v), n) || n < min || n > max)
            problems_.push_back(where(key) + ": '" + v + "' is not a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max));
        else
            set(n);
    }
    void decimal(const std::string& key, const std::string& v, double min, double max, double& out) {
        double d = 0;
        if (!Poco::NumberParser::tryParseFloat(Poco::trim(v), d) || d < min || d > max)
            problems_.push_back(where(key) + ": '" + v + "' is not a number from " + Poco::NumberFormatter::format(min) +
                                " to " + Poco::NumberFormatter::format(max));
        else
            out = d;
    }
    void boolean(const std::string& key, const std::string& v, bool& out) {
        if (auto b = parseBool(v)) out = *b;
        else problems_.push_back(where(key) + ": '" + v + "' is not true or false");
    }
    void problem(const std::string& key, const std::string& why) { problems_.push_back(where(key) + ": " + why); }

private:
    std::vector<std::string>& problems_;
};

void readPeer(const std::string& key, const std::string& value, Settings& s, Reader& r) {
    // peer.NAME.field
    const std::string rest = key.substr(5);
    const auto dot = rest.rfind('.');
    if (dot == std::string::npos) {
        r.problem(key, "peers are sections [peer.NAME] with ae_title, host and charset");
        return;
    }
    const std::string name = rest.substr(0, dot), field = rest.substr(dot + 1);
    auto& peers = s.listener.peers;
    auto it = std::find_if(peers.begin(), peers.end(), [&](const Peer& p) { return p.name == name; });
    if (it == peers.end()) it = peers.insert(peers.end(), Peer{name, name, "", ""});
    if (field == "ae_title") {
        if (auto why = checkAeTitle(value); !why.empty()) r.problem(key, why);
        else it->aeTitle = value;
    } else if (field == "host") {
        it->host = value;
    } else if (field == "charset") {
        it->characterSet = value;
    } else {
        r.problem(key, "unknown key (a peer has ae_title, host and charset)");
    }
}

void readDeviceProfile(const std::string& key, const std::string& value, Settings& s, Reader& r) {
    const std::string rest = key.substr(15); // NAME.field
    const auto dot = rest.rfind('.');
    if (dot == std::string::npos) {
        r.problem(key, "device profiles are sections [device_profile.NAME] with device, seconds_per_shot and "
                       "dose_rate_usv_per_h");
        return;
    }
    const std::string name = rest.substr(0, dot), field = rest.substr(dot + 1);
    auto& profiles = s.rules.deviceProfiles;
    auto it = std::find_if(profiles.begin(), profiles.end(), [&](const rules::DeviceProfile& p) { return p.name == name; });
    if (it == profiles.end()) it = profiles.insert(profiles.end(), rules::DeviceProfile{name, name, 0, 0});
    if (field == "device") it->device = value;
    else if (field == "seconds_per_shot") r.decimal(key, value, 0.001, 3600, it->secondsPerShot);
    else if (field == "dose_rate_usv_per_h") r.decimal(key, value, 0.0, 1e9, it->doseRate_uSv_per_h);
    else r.problem(key, "unknown key (a device profile has device, seconds_per_shot and dose_rate_usv_per_h)");
}

void apply(const std::string& key, const std::string& value, Settings& s, Reader& r) {
    auto& l = s.listener;
    if (key == "data.dir") {
        if (value.empty()) r.problem(key, "must not be empty");
        else s.dataDir = value;
    } else if (key == "privacy.store_patient_identifiers") {
        r.boolean(key, value, s.storePatientIdentifiers);
    } else if (key == "charset.default") {
        s.extraction.defaultCharacterSet = value;
    } else if (key.rfind("device_charsets.", 0) == 0) {
        s.extraction.deviceCharacterSets[key.substr(16)] = value;
    } else if (key == "dicom.ae_title") {
        if (auto why = checkAeTitle(value); !why.empty()) r.problem(key, why);
        else l.aeTitle = value;
    } else if (key == "dicom.port") {
        r.integer(key, value, 1, 65535, [&](int n) { l.port = static_cast<std::uint16_t>(n); });
    } else if (key == "dicom.max_associations") {
        r.integer(key, value, 1, 500, [&](int n) { l.maxAssociations = n; });
    } else if (key == "dicom.acse_timeout_s") {
        r.integer(key, value, 1, 3600, [&](int n) { l.acseTimeout_s = n; });
    } else if (key == "dicom.dimse_timeout_s") {
        r.integer(key, value, 1, 3600, [&](int n) { l.dimseTimeout_s = n; });
    } else if (key == "dicom.max_pdu") {
        r.integer(key, value, 4096, 131072, [&](int n) { l.maxPdu = static_cast<std::uint32_t>(n); });
    } else if (key == "dicom.spool_min_free_mb") {
        r.integer(key, value, 0, 1000000, [&](int n) { l.spoolMinFree_mb = n; });
    } else if (key == "dicom.require_known_peers") {
        r.boolean(key, value, l.requireKnownPeers);
    } else if (key.rfind("peer.", 0) == 0) {
        readPeer(key, value, s, r);
    } else if (key.rfind("device_profile.", 0) == 0) {
        readDeviceProfile(key, value, s, r);
    } else if (key == "levels.file") {
        s.levelsFile = value;
    } else if (key == "levels.investigation_multiplier") {
        r.decimal(key, value, 1.0, 100.0, s.rules.investigationMultiplier);
    } else if (key == "levels.substantial_kar_mgy") {
        r.decimal(key, value, 0.0, 1e9, s.rules.substantialKar_mGy);
    } else if (key == "levels.substantial_dap_gycm2") {
        r.decimal(key, value, 0.0, 1e9, s.rules.substantialDap_Gycm2);
    } else if (key == "levels.substantial_fluoro_time_s") {
        r.decimal(key, value, 0.0, 1e9, s.rules.substantialFluoroTime_s);
    } else if (key == "levels.cumulative_window_days") {
        r.integer(key, value, 1, 3650, [&](int n) { s.rules.cumulativeWindowDays = n; });
    } else if (key == "processing.attempts") {
        r.integer(key, value, 1, 100, [&](int n) { s.processingAttempts = n; });
    } else if (key == "pacs.ae_title") {
        if (auto why = checkAeTitle(value); !why.empty()) r.problem(key, why);
        else s.pacs.aeTitle = value;
    } else if (key == "pacs.host") {
        s.pacs.host = value;
    } else if (key == "pacs.port") {
        r.integer(key, value, 1, 65535, [&](int n) { s.pacs.port = static_cast<std::uint16_t>(n); });
    } else if (key == "pacs.timeout_s") {
        r.integer(key, value, 1, 3600, [&](int n) { s.pacs.timeout_s = n; });
    } else if (key == "pacs.retrieve") {
        const std::string v = Poco::toLower(value);
        if (v != "move" && v != "get") r.problem(key, "'" + value + "' is not move or get");
        else s.pacs.retrieve = v;
    } else if (key == "pacs.move_destination") {
        if (auto why = checkAeTitle(value); !why.empty()) r.problem(key, why);
        else s.pacs.moveDestination = value;
    } else if (key == "pacs.retrieve_image_headers") {
        r.boolean(key, value, s.pacs.retrieveImageHeaders);
    } else if (key == "pacs.wait_for_retrieved_s") {
        r.integer(key, value, 1, 86400, [&](int n) { s.pacs.waitForRetrieved_s = n; });
    } else if (key == "audit.schedule") {
        r.boolean(key, value, s.audit.scheduled);
    } else if (key == "audit.time") {
        int h = -1, m = -1;
        char colon = 0;
        std::istringstream in(value);
        in >> h >> colon >> m;
        if (!in || colon != ':' || h < 0 || h > 23 || m < 0 || m > 59 || value.size() != 5)
            r.problem(key, "'" + value + "' is not a time of day HH:MM (24 hours)");
        else {
            s.audit.hour = h;
            s.audit.minute = m;
        }
    } else if (key == "audit.reports_dir") {
        s.audit.reportsDir = value;
    } else if (key == "audit.unreviewed_days") {
        r.integer(key, value, 0, 3650, [&](int n) { s.audit.unreviewedDays = n; });
    } else if (key == "mail.host") {
        s.mail.host = value;
    } else if (key == "mail.port") {
        r.integer(key, value, 1, 65535, [&](int n) { s.mail.port = static_cast<std::uint16_t>(n); });
    } else if (key == "mail.starttls") {
        r.boolean(key, value, s.mail.starttls);
    } else if (key == "mail.verify_certificate") {
        r.boolean(key, value, s.mail.verifyCertificate);
    } else if (key == "mail.ca_file") {
        s.mail.caFile = value;
    } else if (key == "mail.username") {
        s.mail.username = value;
    } else if (key == "mail.password") {
        s.mail.password = value;
    } else if (key == "mail.from") {
        if (value.find('@') == std::string::npos) r.problem(key, "'" + value + "' is not a mail address");
        else s.mail.from = value;
    } else if (key == "mail.to") {
        s.mail.to.clear();
        std::istringstream in(value);
        for (std::string one; std::getline(in, one, ',');) {
            one = Poco::trim(one);
            if (one.empty()) continue;
            if (one.find('@') == std::string::npos) r.problem(key, "'" + one + "' is not a mail address");
            else s.mail.to.push_back(one);
        }
    } else if (key == "mail.timeout_s") {
        r.integer(key, value, 1, 3600, [&](int n) { s.mail.timeout_s = n; });
    } else if (key == "http.port") {
        r.integer(key, value, 0, 65535, [&](int n) { s.http.port = n; });
    } else if (key == "http.bind") {
        s.http.bind = value;
    } else if (key == "http.certificate") {
        s.http.certificate = value;
    } else if (key == "http.private_key") {
        s.http.privateKey = value;
    } else if (key == "http.session_idle_minutes") {
        r.integer(key, value, 1, 1440, [&](int n) { s.http.sessionIdleMinutes = n; });
    } else if (key == "http.web_dir") {
        s.http.webDir = value;
    } else if (key == "http.time_zone") {
        s.http.timeZone = value;
    } else if (key == "log.file") {
        s.log.file = value;
    } else if (key == "log.rotate_size") {
        s.log.rotateSize = value;
    } else if (key == "log.keep") {
        r.integer(key, value, 1, 1000, [&](int n) { s.log.keep = n; });
    } else if (key == "log.level") {
        const std::string v = Poco::toLower(value);
        if (v != "error" && v != "warning" && v != "information" && v != "debug")
            r.problem(key, "'" + value + "' is not one of error, warning, information, debug");
        else
            s.log.level = v;
    } else {
        r.problem(key, "unknown key (see docs/configuration.md)");
    }
}

} // namespace

const Peer* ListenerSettings::peerByAeTitle(const std::string& callingAe) const {
    for (const auto& p : peers)
        if (p.aeTitle == callingAe) return &p;
    return nullptr;
}

std::string checkAeTitle(const std::string& ae) {
    if (ae.empty() || ae.size() > 16) return "an AE title has 1 to 16 characters, '" + ae + "' has " + std::to_string(ae.size());
    for (char c : ae)
        if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E)
            return "an AE title is printable ASCII without backslash: '" + ae + "'";
    if (ae.find_first_not_of(' ') == std::string::npos) return "an AE title must not be all spaces";
    return {};
}

void parsePacsAddress(const std::string& text, PacsSettings& pacs) {
    const auto at = text.find('@');
    const auto colon = text.rfind(':');
    const std::string form = "--pacs '" + text + "': expected AET@HOST:PORT, e.g. PACS@10.0.0.5:104";
    if (at == std::string::npos || colon == std::string::npos || colon < at) throw Error(form);
    const std::string ae = text.substr(0, at), host = text.substr(at + 1, colon - at - 1), port = text.substr(colon + 1);
    if (auto why = checkAeTitle(ae); !why.empty()) throw Error(form + " (" + why + ")");
    if (host.empty()) throw Error(form + " (no host)");
    int n = 0;
    if (!Poco::NumberParser::tryParse(port, n) || n < 1 || n > 65535) throw Error(form + " (port " + port + ")");
    pacs.aeTitle = ae;
    pacs.host = host;
    pacs.port = static_cast<std::uint16_t>(n);
}

Settings loadSettings(const std::string& configFile) {
    Settings s;
    if (configFile.empty()) return s;
    if (!std::filesystem::is_regular_file(configFile))
        throw Error("configuration file " + configFile + " does not exist or is not a file");
    Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini;
    try {
        ini = new Poco::Util::IniFileConfiguration(configFile);
    } catch (const Poco::Exception& e) {
        throw Error("cannot read configuration file " + configFile + ": " + e.displayText());
    }
    std::vector<std::string> problems, keys;
    collectKeys(*ini, "", keys);
    Reader reader(problems);
    for (const auto& key : keys) apply(key, Poco::trim(ini->getString(key)), s, reader);
    if (s.pacs.configured() && s.pacs.host.empty()) problems.push_back("[pacs] host: must be set with ae_title");
    if (s.http.certificate.empty() != s.http.privateKey.empty())
        problems.push_back("[http] certificate and private_key: HTTPS needs both");
    if (!problems.empty()) {
        std::string text = "configuration file " + configFile + " has " + std::to_string(problems.size()) +
                           " problem(s):";
        for (const auto& p : problems) text += "\n  " + p;
        throw Error(text);
    }
    return s;
}

} // namespace fa
