#include "api/ServiceResource.h"

#include "core/SecurityEvent.h"

#include "api/Http.h"
#include "dicom/Spool.h"
#include "pipeline/Integrity.h"
#include "pipeline/SpoolProcessor.h"
#include "present/Json.h"

#include <filesystem>
#include <map>
#include <sstream>

namespace fa::api {

using Poco::JSON::Object;
using present::jsonObject;

ApiResponse ServiceResource::health() {
    Object::Ptr o = jsonObject();
    bool dbOk = true;
    std::string dbError;
    try {
        std::lock_guard<std::mutex> lock(c_.db);
        c_.store().activeReferenceTableVersion();
    } catch (const std::exception& e) {
        dbOk = false;
        dbError = e.what();
    }
    const bool listening = c_.probe.listening ? c_.probe.listening() : false;
    const long long refused = c_.probe.refusedInARow ? c_.probe.refusedInARow() : 0;
    const std::string stalled = c_.probe.processingStalled ? c_.probe.processingStalled() : "";
    // Damage the last integrity check found (nightly audit, check-store), until a check finds none.
    const std::string damage = recordedDamage(c_.settings);
    o->set("status", dbOk && damage.empty() && listening && refused == 0 && stalled.empty() ? "ok" : "degraded");
    o->set("processing", stalled.empty() ? std::string("ok") : stalled);
    o->set("database", !dbOk ? dbError : damage.empty() ? std::string("ok") : damage);
    Object::Ptr l = jsonObject();
    l->set("listening", listening);
    // Senders are told 0xA700 (they keep the objects and retry) while the spool cannot be written.
    l->set("spool", refused == 0 ? std::string("ok")
                                 : std::to_string(refused) + " object(s) refused since the last one kept: the spool "
                                   "cannot be written (disk full or read-only? see the log)");
    l->set("ae_title", c_.settings.listener.aeTitle);
    l->set("port", static_cast<int>(c_.settings.listener.port));
    o->set("listener", l);
    o->set("spool_objects", static_cast<Poco::UInt64>(spooled()));
    o->set("quarantine_objects", static_cast<Poco::UInt64>(listQuarantine(c_.settings).size()));
    return json(o, dbOk ? 200 : 503);
}

std::size_t ServiceResource::spooled() const {
    std::error_code ec;
    if (!std::filesystem::is_directory(c_.settings.spoolDir(), ec)) return 0;
    return dicom::Spool(c_.settings.spoolDir()).pending().size();
}

ApiResponse ServiceResource::metrics() {
    std::ostringstream m;
    auto metric = [&](const std::string& name, const std::string& help, const std::string& type, double value,
                      const std::string& labels = "") {
        m << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
          << name << labels << " " << value << "\n";
    };
    metric("fluoroaudit_objects_received_total", "DICOM objects received since the service started", "counter",
           static_cast<double>(c_.probe.received ? c_.probe.received() : 0));
    metric("fluoroaudit_processing_failures_total", "failed processing attempts since the service started", "counter",
           static_cast<double>(c_.probe.processingFailures ? c_.probe.processingFailures() : 0));
    metric("fluoroaudit_spool_objects", "objects received and not yet processed", "gauge",
           static_cast<double>(spooled()));
    metric("fluoroaudit_quarantine_objects", "objects that could not be processed", "gauge",
           static_cast<double>(listQuarantine(c_.settings).size()));
    metric("fluoroaudit_sessions", "open web sessions", "gauge", static_cast<double>(c_.sessions.count()));
    metric("fluoroaudit_atna_messages_sent_total", "IHE ATNA audit messages sent to [atna] destination", "counter",
           static_cast<double>(securityEventDelivery().sent.load()));
    metric("fluoroaudit_atna_messages_dropped_total",
           "IHE ATNA audit messages dropped: more were waiting than [atna] queue while the repository was unreachable",
           "counter", static_cast<double>(securityEventDelivery().dropped.load()));
    std::vector<std::pair<std::string, std::size_t>> counts;
    {
        std::lock_guard<std::mutex> lock(c_.db);
        counts = c_.store().flagCounts();
    }
    m << "# HELP fluoroaudit_flags flags by kind\n# TYPE fluoroaudit_flags gauge\n";
    std::map<std::string, std::size_t> byKind{{"above-reference", 0}, {"investigation", 0}, {"substantial", 0},
                                              {"cumulative", 0}};
    for (const auto& [kind, n] : counts) byKind[kind] = n;
    for (const auto& [kind, n] : byKind) m << "fluoroaudit_flags{kind=\"" << kind << "\"} " << n << "\n";
    ApiResponse r;
    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
    r.body = m.str();
    return r;
}

} // namespace fa::api
