#include "audit/AlertMailer.h"

#include "audit/AuditReport.h"
#include "audit/Mailer.h"
#include "core/Error.h"
#include "present/Display.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>

namespace fa {

namespace {

// "YYYY-MM-DD" (local) and "YYYY-MM-DDTHH:MM:SSZ" (UTC) of `days` ago.
std::string daysAgo(int days, bool utc) {
    const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
    std::tm parts{};
    if (utc) ::gmtime_r(&t, &parts);
    else ::localtime_r(&t, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &parts);
    return buffer;
}

bool same(const std::string& a, const std::string& b) { return !a.empty() && Poco::icompare(a, b) == 0; }

// A flag kind in English and Chinese.
const char* kindName(const std::string& kind) {
    if (kind == "investigation") return "investigation level 调查水平";
    if (kind == "substantial") return "substantial radiation dose 显著辐射剂量";
    if (kind == "cumulative") return "cumulative patient dose 患者累积剂量";
    if (kind == "above-reference") return "above reference level 超过参考水平";
    return "";
}

MailMessageContent alertMail(const std::vector<store::FlagAlert>& flags, const std::string& web) {
    const store::FlagAlert& first = flags.front();
    const std::string procedure = first.procedureName.empty() ? first.record.procedureId : first.procedureName;
    std::string worst;
    for (const auto& f : flags)
        if (worst.empty() || f.record.flag.kind == "substantial") worst = f.record.flag.kind;
    MailMessageContent m;
    m.subject = "[fluoroaudit] High-dose alert 高剂量警报: " + std::string(kindName(worst)) + " — " +
                (procedure.empty() ? "unclassified" : procedure) + ", " + first.record.studyDate;
    std::string rows;
    for (const auto& f : flags)
        rows += "<tr><td>" + htmlEscape(kindName(f.record.flag.kind)) + "</td><td>" +
                htmlEscape(metricLabel(f.record.flag.metric)) + "</td><td class=\"n\">" + present::figure(f.record.flag.value) +
                "</td><td class=\"n\">" + present::figure(f.record.flag.level) + "</td></tr>";
    const std::string device = first.device.station.empty() ? first.device.model : first.device.station;
    m.html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>td,th{padding:2px 8px;text-align:left}"
             "td.n{text-align:right}</style></head><body>"
             "<p>A study reached a level that asks for follow-up (NCRP 168: a substantial dose calls for patient "
             "follow-up). 一项检查达到了需要随访的剂量水平。</p>"
             "<table><tr><th>Study date 检查日期</th><td>" + htmlEscape(first.record.studyDate) +
             "</td></tr><tr><th>Procedure 手术</th><td>" + htmlEscape(procedure) +
             "</td></tr><tr><th>Description 描述</th><td>" + htmlEscape(first.studyDescription) +
             "</td></tr><tr><th>Accession 检查号</th><td>" + htmlEscape(first.accessionNumber) +
             "</td></tr><tr><th>Device 设备</th><td>" + htmlEscape(device) +
             "</td></tr><tr><th>Study UID</th><td>" + htmlEscape(first.record.studyUid) + "</td></tr></table>"
             "<table><thead><tr><th>Flag 标记</th><th>Metric 指标</th><th>Value 数值</th><th>Level 水平</th></tr></thead>"
             "<tbody>" + rows + "</tbody></table>" +
             (web.empty() ? std::string("<p>Review it in fluoroaudit (Studies, this Study UID). 请在 fluoroaudit 中复核。</p>")
                          : "<p><a href=\"" + htmlEscape(web + "#/study/" + first.record.studyUid) +
                                "\">Review it in fluoroaudit 在 fluoroaudit 中复核</a></p>") +
             "</body></html>";
    return m;
}

} // namespace

std::vector<std::string> alertRecipients(const AlertSettings& alerts, const std::string& procedureId,
                                         const DeviceInfo& device) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    auto add = [&](const std::vector<std::string>& to) {
        for (const auto& a : to)
            if (seen.insert(Poco::toLower(a)).second) out.push_back(a);
    };
    add(alerts.to);
    for (const auto& r : alerts.rules) {
        if (!r.procedure.empty() && r.procedure != procedureId) continue;
        if (!r.device.empty() && !same(r.device, device.station) && !same(r.device, device.serial) &&
            !same(r.device, device.model))
            continue;
        add(r.to);
    }
    return out;
}

AlertMailer::AlertMailer(const Settings& settings, Poco::Logger& log) : settings_(settings), log_(log) {}

AlertMailer::~AlertMailer() { stop(); }

void AlertMailer::start() {
    if (!settings_.alerts.configured() || settings_.alerts.kinds.empty() || worker_.running()) return;
    log_.information("high-dose alerts: mailed at once for %s flags of studies from the last %d days",
                     Poco::cat(std::string(", "), settings_.alerts.kinds.begin(), settings_.alerts.kinds.end()),
                     settings_.alerts.maxAgeDays);
    worker_.start([this] { loop(); });
}

void AlertMailer::stop() { worker_.stop(); }

void AlertMailer::loop() {
    try {
        store::StudyStore store(settings_.storeLocation());
        store.setSite(settings_.siteName()); // each site mails its own studies' flags
        for (;;) {
            try {
                checkOnce(store);
            } catch (const Error& e) {
                log_.error("high-dose alerts: %s", std::string(e.what()));
            }
            if (!worker_.pause(std::chrono::seconds(settings_.alerts.checkSeconds))) return;
        }
    } catch (const Error& e) {
        log_.error("high-dose alerts stopped: %s", std::string(e.what()));
    }
}

int AlertMailer::checkOnce(store::StudyStore& store) {
    const AlertSettings& a = settings_.alerts;
    const auto flags = store.flagsWithoutAlert(a.kinds, daysAgo(a.maxAgeDays, false), daysAgo(a.maxAgeDays, true));
    std::map<std::string, std::vector<store::FlagAlert>> byStudy;
    for (const auto& f : flags) byStudy[f.record.studyUid].push_back(f);
    int sent = 0;
    for (const auto& [study, studyFlags] : byStudy) {
        const auto to = alertRecipients(a, studyFlags.front().record.procedureId, studyFlags.front().device);
        if (to.empty()) continue; // no one to tell for this procedure and device
        MailSettings mail = settings_.mail;
        mail.to = to;
        const std::string recipients = Poco::cat(std::string(", "), to.begin(), to.end());
        try {
            sendMail(mail, alertMail(studyFlags, webAddress(settings_)));
        } catch (const Error& e) {
            if (!failing_) log_.warning("high-dose alerts: cannot send (tried again every %d s): %s", a.checkSeconds,
                                        std::string(e.what()));
            failing_ = true;
            return sent;
        }
        if (failing_) log_.information("high-dose alerts: the mail server takes them again");
        failing_ = false;
        std::string what;
        for (const auto& f : studyFlags) {
            store.recordAlertMail(study, f.record.flag.kind, f.record.flag.metric, recipients);
            what += (what.empty() ? "" : ", ") + f.record.flag.kind + " " + f.record.flag.metric;
        }
        store.addTrail("fluoroaudit", "alert-mail", text("trail.alertMail", {{"uid", study}, {"what", what}, {"recipients", recipients}}),
                       "");
        log_.warning("high-dose alert for study %s (%s) mailed to %s", study, what, recipients);
        ++sent;
    }
    return sent;
}

} // namespace fa
