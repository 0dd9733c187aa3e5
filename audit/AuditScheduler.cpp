#include "audit/AuditScheduler.h"

#include "audit/PacsGateway.h"
#include "store/StudyStore.h"

#include <Poco/Logger.h>

#include <ctime>

namespace fa {

std::chrono::system_clock::time_point nextLocalTime(std::chrono::system_clock::time_point now, int hour, int minute) {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    ::localtime_r(&t, &local);
    std::tm at = local;
    at.tm_hour = hour;
    at.tm_min = minute;
    at.tm_sec = 0;
    at.tm_isdst = -1;
    std::time_t candidate = std::mktime(&at);
    if (candidate < t) {
        at = local;
        at.tm_mday += 1; // mktime normalises the month and the daylight-saving change
        at.tm_hour = hour;
        at.tm_min = minute;
        at.tm_sec = 0;
        at.tm_isdst = -1;
        candidate = std::mktime(&at);
    }
    return std::chrono::system_clock::from_time_t(candidate);
}

std::string previousLocalDay(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    ::localtime_r(&tt, &local);
    local.tm_mday -= 1;
    local.tm_hour = 12; // away from a daylight-saving change
    local.tm_isdst = -1;
    std::mktime(&local);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
    return buf;
}

AuditScheduler::AuditScheduler(const Settings& settings, std::function<std::unique_ptr<PacsGateway>()> pacs)
    : settings_(settings), pacs_(std::move(pacs)) {}

AuditScheduler::~AuditScheduler() { stop(); }

void AuditScheduler::start() {
    if (!settings_.audit.scheduled || thread_.joinable()) return;
    thread_ = std::thread([this] { loop(); });
}

void AuditScheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool AuditScheduler::wait(std::chrono::system_clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_until(lock, until, [this] { return stop_; });
    return !stop_;
}

void AuditScheduler::runFor(const std::string& day) {
    AuditRequest request;
    request.from = request.to = day;
    request.trigger = "schedule";
    request.insideService = true;
    request.pacs = pacs_;
    request.cancelled = [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return stop_;
    };
    try {
        runNightlyAudit(settings_, request);
    } catch (const std::exception& e) {
        Poco::Logger::get("audit").error("nightly audit of %s did not run: %s", day, std::string(e.what()));
    }
}

// Today's scheduled time has passed and yesterday has no scheduled run yet: the day the service
// was down at the scheduled time, or "" when there is nothing to make up.
std::string AuditScheduler::missedDay() const {
    const auto now = std::chrono::system_clock::now();
    const auto todays = nextLocalTime(now - std::chrono::hours(24), settings_.audit.hour, settings_.audit.minute);
    if (todays > now) return {};
    const std::string day = previousLocalDay(now);
    try {
        store::StudyStore store(settings_.storeLocation());
        const auto runs = store.auditRuns(50, settings_.siteName());
        if (runs.empty()) return {}; // a new installation has nothing to make up
        for (const auto& r : runs)
            if (r.trigger == "schedule" && r.periodFrom == day) return {};
    } catch (const std::exception& e) {
        Poco::Logger::get("audit").warning("cannot read earlier audit runs: %s", std::string(e.what()));
        return {};
    }
    return day;
}

void AuditScheduler::loop() {
    Poco::Logger& log = Poco::Logger::get("audit");
    char at[8];
    std::snprintf(at, sizeof at, "%02d:%02d", settings_.audit.hour % 100, settings_.audit.minute % 100);
    log.information("nightly audit scheduled daily at %s local time ([audit] time)", std::string(at));
    if (const std::string day = missedDay(); !day.empty()) {
        log.information("the nightly audit of %s has not run (nothing ran at %s): running it now", day,
                        std::string(at));
        runFor(day);
    }
    for (;;) {
        const auto next = nextLocalTime(std::chrono::system_clock::now() + std::chrono::seconds(1), settings_.audit.hour,
                                        settings_.audit.minute);
        if (!wait(next)) return;
        runFor(previousLocalDay(std::chrono::system_clock::now()));
    }
}

} // namespace fa
