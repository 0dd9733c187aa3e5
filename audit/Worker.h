// A thread of `serve` that works, waits and works again until it is stopped (the alert mail, the
// FHIR push): stop() wakes it from its wait and joins it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace fa {

class Worker {
public:
    Worker() = default;
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker() { stop(); }

    bool running() const { return thread_.joinable(); }
    // Runs `body` on a thread of its own; the body calls pause() between rounds.
    void start(std::function<void()> body) { thread_ = std::thread(std::move(body)); }
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    // Waits `seconds`; false once stop() was called (the body then returns).
    bool pause(std::chrono::seconds seconds) {
        std::unique_lock<std::mutex> lock(mutex_);
        return !wake_.wait_for(lock, seconds, [this] { return stop_; });
    }
    bool stopping() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stop_;
    }

private:
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
};

} // namespace fa
