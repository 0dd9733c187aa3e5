#include "pipeline/Settings.h"

#include "core/Error.h"
#include "core/HostName.h"
#include "dicom/Tls.h"
#include "pipeline/ConfigKeys.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <vector>

namespace fa {

namespace {

// Every "section.key" of the file. A name with an empty part ("[.]", "a..b") has no key Poco can
// enumerate below it (it would answer the same prefix for ever): it is a problem of the file.
void collectKeys(Poco::Util::AbstractConfiguration& c, const std::string& prefix, std::vector<std::string>& out,
                 std::vector<std::string>& problems) {
    Poco::Util::AbstractConfiguration::Keys keys;
    c.keys(prefix, keys);
    if (keys.empty() && !prefix.empty()) {
        out.push_back(prefix);
        return;
    }
    for (const auto& k : keys) {
        if (k.empty()) {
            problems.push_back("'" + (prefix.empty() ? std::string(".") : prefix + ".") +
                               "': a section or key name is empty (check the brackets and dots)");
            continue;
        }
        collectKeys(c, prefix.empty() ? k : prefix + "." + k, out, problems);
    }
}

constexpr std::size_t kShownProblems = 20;

// "[section] key" for messages, from "section.key" (or "peer.NAME.key").
std::string where(const std::string& key) {
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) return key;
    return "[" + key.substr(0, dot) + "] " + key.substr(dot + 1);
}

void apply(const std::string& key, const std::string& value, Settings& s, std::vector<std::string>& problems) {
    std::string instance;
    const ConfigKey* known = findConfigKey(key, instance);
    if (!known) {
        // Suggestions for the problems shown only (a file of thousands of unknown keys took minutes).
        const std::string hint = problems.size() < kShownProblems ? didYouMean(key) : "";
        problems.push_back(where(key) + ": unknown key (" + (hint.empty() ? "see docs/configuration.md" : hint) + ")");
        return;
    }
    if (auto why = known->set(s, instance, value); !why.empty()) problems.push_back(where(key) + ": " + why);
}

// FLUOROAUDIT_STORE_URL for [store] url: the variable that overrides a key of a section with a
// fixed name (not [peer.NAME] nor the device lists).
std::string environmentName(const ConfigKey& k) {
    std::string name = "FLUOROAUDIT_" + k.section + "_" + k.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

// The keys set in the environment, over the file's (containers and test harnesses give the store
// this way); checked as the file's keys are.
void applyEnvironment(Settings& s, std::vector<std::string>& problems) {
    for (const auto& k : configKeys()) {
        if (k.section.find('.') != std::string::npos || k.name == "*") continue;
        const std::string variable = environmentName(k);
        const char* value = std::getenv(variable.c_str());
        if (!value) continue;
        if (auto why = k.set(s, "", Poco::trim(std::string(value))); !why.empty())
            problems.push_back("environment " + variable + " ([" + k.section + "] " + k.name + "): " + why);
    }
}

// What no single key can say: keys that only make sense together.
void checkTogether(const Settings& s, std::vector<std::string>& problems) {
    if (s.pacs.configured() && s.pacs.host.empty()) problems.push_back("[pacs] host: must be set with ae_title");
    if (s.http.certificate.empty() != s.http.privateKey.empty())
        problems.push_back("[http] certificate and private_key: HTTPS needs both");
    if (s.listener.tlsPort != 0 && s.listener.tlsPort == s.listener.port)
        problems.push_back("[dicom] tls_port: " + std::to_string(s.listener.tlsPort) + " is also [dicom] port");
    // The files are loaded as serve will load them: nothing accepted here stops it at start.
    if (s.listener.tlsPort != 0)
        if (auto why = dicom::tlsProblem(dicom::TlsRole::Acceptor, tlsFiles(s)); !why.empty())
            problems.push_back(why + " (for [dicom] tls_port)");
    if (s.pacs.tls)
        if (auto why = dicom::tlsProblem(dicom::TlsRole::Requestor, tlsFiles(s)); !why.empty())
            problems.push_back(why + " (for [pacs] tls)");
    AtnaDestination atna;
    if (parseAtnaDestination(s.atna.destination, atna).empty() && atna.transport == AtnaDestination::Transport::Tls)
        if (auto why = dicom::tlsProblem(dicom::TlsRole::Requestor, tlsFiles(s)); !why.empty())
            problems.push_back(why + " (for [atna] destination)");
}

} // namespace

std::string Settings::siteName() const {
    return site.empty() ? hostName() : site;
}

std::string webAddress(const Settings& s) {
    if (!s.http.publicUrl.empty()) return s.http.publicUrl.back() == '/' ? s.http.publicUrl : s.http.publicUrl + "/";
    if (s.http.port <= 0) return {};
    const bool https = !s.http.certificate.empty();
    return std::string(https ? "https://" : "http://") + hostName() + ":" + std::to_string(s.http.port) + "/";
}

dicom::TlsFiles tlsFiles(const Settings& s) {
    return dicom::TlsFiles{s.tls.certificate, s.tls.privateKey, s.tls.caFile, s.tls.requirePeerCertificate};
}

bool AlertSettings::configured() const {
    if (!to.empty()) return true;
    for (const auto& r : rules)
        if (!r.to.empty()) return true;
    return false;
}

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

std::string parseAtnaDestination(const std::string& text, AtnaDestination& out) {
    const std::string form = "'" + text + "' is not udp://HOST:PORT or tls://HOST:PORT";
    const auto scheme = text.find("://");
    const auto colon = text.rfind(':');
    if (scheme == std::string::npos || colon == std::string::npos || colon <= scheme + 3) return form;
    const std::string kind = text.substr(0, scheme), port = text.substr(colon + 1);
    std::string host = text.substr(scheme + 3, colon - scheme - 3);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2); // [::1]
    int n = 0;
    if ((kind != "udp" && kind != "tls") || host.empty() || !Poco::NumberParser::tryParse(port, n) || n < 1 || n > 65535)
        return form;
    out.transport = kind == "tls" ? AtnaDestination::Transport::Tls : AtnaDestination::Transport::Udp;
    out.host = host;
    out.port = static_cast<std::uint16_t>(n);
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
    std::vector<std::string> problems;
    if (!configFile.empty()) {
        if (!std::filesystem::is_regular_file(configFile))
            throw Error("configuration file " + configFile + " does not exist or is not a file");
        Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini;
        try {
            ini = new Poco::Util::IniFileConfiguration(configFile);
        } catch (const Poco::Exception& e) {
            throw Error("cannot read configuration file " + configFile + ": " + e.displayText());
        }
        std::vector<std::string> keys;
        collectKeys(*ini, "", keys, problems);
        for (const auto& key : keys) apply(key, Poco::trim(ini->getString(key)), s, problems);
    }
    applyEnvironment(s, problems);
    checkTogether(s, problems);
    if (!problems.empty()) {
        std::string text = (configFile.empty() ? std::string("the configuration") : "configuration file " + configFile) +
                           " has " + std::to_string(problems.size()) + " problem(s):";
        for (std::size_t i = 0; i < std::min(problems.size(), kShownProblems); ++i) text += "\n  " + problems[i];
        if (problems.size() > kShownProblems)
            text += "\n  ... and " + std::to_string(problems.size() - kShownProblems) + " more";
        throw Error(text);
    }
    return s;
}

} // namespace fa
