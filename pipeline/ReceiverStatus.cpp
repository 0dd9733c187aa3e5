#include "pipeline/ReceiverStatus.h"

#include "core/Clock.h"
#include "core/FileLock.h"
#include "pipeline/Receiver.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

void writeStatus(const Settings& s, const std::string& state, const std::string& startedAt, const Receiver& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("state", state);
    o.set("pid", static_cast<int>(::getpid()));
    o.set("started_at", startedAt);
    o.set("updated_at", nowLocalIso());
    o.set("ae_title", s.listener.aeTitle);
    o.set("port", static_cast<int>(s.listener.port));
    // Where the web UI answers ("" without one): what `status` shows an operator.
    std::string web;
    if (s.http.port > 0) {
        const std::string host = s.http.bind == "0.0.0.0" || s.http.bind == "::" ? "localhost" : s.http.bind;
        web = std::string(s.http.certificate.empty() ? "http" : "https") + "://" +
              (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(s.http.port) + "/";
    }
    o.set("web_url", web);
    o.set("received", static_cast<Poco::Int64>(r.received()));
    o.set("last_object_at", r.lastObjectAt());
    o.set("last_calling_ae", r.lastCallingAe());
    o.set("last_study_uid", r.lastStudyUid());
    const std::string tmp = s.statusFile() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        o.stringify(out, 2);
    }
    std::error_code ec;
    fs::rename(tmp, s.statusFile(), ec);
}


ServiceStatus readStatus(const Settings& settings) {
    ServiceStatus s;
    std::ifstream in(settings.statusFile());
    if (!in) return s;
    std::stringstream text;
    text << in.rdbuf();
    try {
        auto o = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        s.found = true;
        s.state = o->optValue<std::string>("state", "");
        s.pid = o->optValue<int>("pid", 0);
        s.startedAt = o->optValue<std::string>("started_at", "");
        s.updatedAt = o->optValue<std::string>("updated_at", "");
        s.aeTitle = o->optValue<std::string>("ae_title", "");
        s.port = o->optValue<int>("port", 0);
        s.webUrl = o->optValue<std::string>("web_url", "");
        s.received = o->optValue<Poco::Int64>("received", 0);
        s.lastObjectAt = o->optValue<std::string>("last_object_at", "");
        s.lastCallingAe = o->optValue<std::string>("last_calling_ae", "");
        s.lastStudyUid = o->optValue<std::string>("last_study_uid", "");
    } catch (const Poco::Exception&) {
        return s;
    }
    // Alive is what holds the data folder's lock: a PID can be reused after a kill -9.
    const int holder = FileLock::holder(settings.serviceLockFile());
    s.running = s.state == "running" && s.pid > 0 && (holder == s.pid || (holder < 0 && ::kill(s.pid, 0) == 0));
    return s;
}

} // namespace fa
