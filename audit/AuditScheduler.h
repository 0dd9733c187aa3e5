// Runs the nightly audit inside `serve` or the Orthanc plugin at [audit] time (local), auditing
// the previous day; a run missed while the host was down is made up when it starts.
#pragma once

#include "audit/NightlyAudit.h"
#include "pipeline/Settings.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace fa {

class AuditScheduler {
public:
    // `pacs`: the PACS of each run (AuditRequest::pacs); unset: [pacs] over DICOM.
    explicit AuditScheduler(const Settings& settings, std::function<std::unique_ptr<PacsGateway>()> pacs = {});
    ~AuditScheduler();
    void start(); // does nothing when [audit] schedule = false
    void stop();  // waits for a run in progress to end

private:
    void loop();
    void runFor(const std::string& day);
    std::string missedDay() const;
    bool wait(std::chrono::system_clock::time_point until); // false when stopped

    Settings settings_;
    std::function<std::unique_ptr<PacsGateway>()> pacs_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
};

// The next time at or after `now` that is hour:minute local time.
std::chrono::system_clock::time_point nextLocalTime(std::chrono::system_clock::time_point now, int hour, int minute);
// YYYY-MM-DD of the local day before the one of `t`.
std::string previousLocalDay(std::chrono::system_clock::time_point t);

} // namespace fa
