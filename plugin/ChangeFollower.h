// Follows Orthanc's change log on a thread of its own and runs every new dose object through the
// pipeline. Orthanc's callbacks only wake it (the SDK forbids calling the REST API from them).
// How far it got is kept in the data folder, so that after a crash, a kill -9 of Orthanc, or when
// first installed on an Orthanc that already holds studies, it catches up on every instance.
#pragma once

#include "pipeline/Pipeline.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct _OrthancPluginContext_t;

namespace fa::plugin {

class ChangeFollower {
public:
    // Opens the store of settings.dataDir (throws fa::Error when it cannot).
    ChangeFollower(_OrthancPluginContext_t* context, const Settings& settings);
    ~ChangeFollower();

    void start();
    void wake();
    void stop();

    long long stored() const { return processed_; }
    long long quarantined() const { return quarantined_; }
    // Why objects cannot be stored now (the database), "" when they can.
    std::string stalled() const;

private:
    void run();
    // Processes the changes after `seq_`; false when there were none.
    bool followOnce();
    void processInstance(const std::string& instanceId);
    void quarantine(const std::string& instanceId, const std::string& bytes, const std::string& reason);
    // The answer of Orthanc's REST API to GET `uri`; throws fa::Error when it fails.
    std::string get(const std::string& uri) const;
    long long savedSeq() const;
    void saveSeq(long long seq) const;

    _OrthancPluginContext_t* context_;
    Settings settings_;
    std::unique_ptr<Pipeline> pipeline_;
    long long seq_ = 0;
    // Only then is the sending AE title looked up (a character set for undeclared text).
    bool peersHaveCharacterSets_ = false;
    std::atomic<long long> processed_{0}, quarantined_{0};
    long long loggedSeq_ = 0, loggedProcessed_ = 0;
    mutable std::mutex mutex_;
    std::string stalled_;
    std::condition_variable wake_;
    bool woken_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace fa::plugin
