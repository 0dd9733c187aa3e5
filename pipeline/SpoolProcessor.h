// Works through the spool with the pipeline. An object that fails (or crashes the process) as
// often as configured goes to the quarantine folder with its reason; `fluoroaudit quarantine`
// lists those and can put one back.
#pragma once

#include "dicom/Spool.h"
#include "pipeline/Pipeline.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace Poco {
class Logger;
}
class DcmDataset;

namespace fa {

class SpoolProcessor {
public:
    SpoolProcessor(Pipeline& pipeline, dicom::Spool& spool, const Settings& settings, Poco::Logger& log);
    ~SpoolProcessor();

    // Processes every spooled object that is due; returns how many were finished (stored, skipped
    // or quarantined).
    std::size_t drain();
    // Hands over the dataset of an object of `bytes` about to appear in the spool, so that it is
    // not read from disk again. Held datasets are bounded over all associations (kMaxHeldBytes of
    // objects, kMaxHeld of them); beyond that the file is read.
    void offer(const std::string& spooledPath, std::unique_ptr<DcmDataset> dataset, std::size_t bytes);
    void withdraw(const std::string& spooledPath);
    // Whether offer() would take a dataset of `bytes` now: not while filing waits (deferWhile), nor
    // beyond the bounds.
    bool wouldHold(std::size_t bytes) const;
    // Wakes the loop of runUntilStopped().
    void notify();
    // While `receiving` says objects are arriving, runUntilStopped() leaves them in the spool (they
    // are durable there) for up to `window` at a time, so that a burst is received at the senders'
    // pace; then it files all that waits, and again once receiving has stopped.
    void deferWhile(std::function<bool()> receiving, std::chrono::milliseconds window);
    static constexpr std::size_t kMaxHeld = 256;
    static constexpr std::size_t kMaxHeldBytes = 8 << 20; // DCMTK's trees of them take ~15 times this
    std::size_t heldBytes() const;
    // Drains as objects arrive until stop() is called, then drains what is left once more.
    void runUntilStopped();
    void stop();

    std::string lastObject() const;
    long long failures() const { return failures_; } // failed processing attempts since start
    // Why spooled objects cannot be stored now (a full disk under the database), "" when they can.
    std::string stalled() const;

private:
    // Whether filing waits now (see deferWhile).
    bool deferring();
    bool process(const std::string& path);
    // Stores one spooled object (throws fa::Error when it cannot).
    void ingest(const std::string& path);
    std::unique_ptr<DcmDataset> takeHeld(const std::string& path);
    int recordAttempt(const std::string& path);
    void clearAttempts(const std::string& path);
    void journal(const std::string& path);
    void clearJournal();
    void recoverJournal();
    void quarantine(const std::string& path, const std::string& reason);
    void setStalled(const std::string& why);

    Pipeline& pipeline_;
    dicom::Spool& spool_;
    const Settings& settings_;
    Poco::Logger& log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool notified_ = false;
    std::function<bool()> receiving_;
    std::chrono::milliseconds deferWindow_{0};
    std::optional<std::chrono::steady_clock::time_point> deferredSince_;
    std::atomic<bool> deferringNow_{false};
    std::map<std::string, std::chrono::steady_clock::time_point> retryAt_;
    std::map<std::string, int> attempts_;
    int journalFd_ = -1;
    mutable std::mutex heldMutex_;
    struct Held {
        std::unique_ptr<DcmDataset> dataset;
        std::size_t bytes = 0;
    };
    std::map<std::string, Held> held_;
    std::size_t heldBytes_ = 0;
    mutable std::mutex lastMutex_;
    std::string last_;
    std::string stalled_;
    std::atomic<long long> failures_{0};
};

// Quarantined objects: file name, size in bytes and the recorded reason.
struct QuarantinedObject {
    std::string name;
    std::uintmax_t size = 0;
    std::string reason;
};
std::vector<QuarantinedObject> listQuarantine(const Settings& settings);
// Moves a quarantined object back into the spool; throws fa::Error when there is no such object.
void retryQuarantined(const Settings& settings, const std::string& name);

} // namespace fa
