// The listener with its spool and their processing: what `serve` runs, and what `audit nightly`
// runs for the time of a retrieve when no service is running.
#pragma once

#include "pipeline/Settings.h"

#include <atomic>
#include <memory>
#include <string>

namespace fa {

class Pipeline;

class Receiver {
public:
    // Opens the store (its own connection); nothing listens before start().
    explicit Receiver(const Settings& settings);
    ~Receiver(); // stops, as stop() does
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    // Processes what an earlier run left in the spool, then listens. Returns once the port answers
    // C-ECHO; throws fa::Error when the port cannot be opened.
    void start();
    // Stops accepting, lets open associations finish, processes what is spooled; idempotent.
    void stop();
    bool listening() const;
    // Why listening ended on its own ("" when it did not).
    std::string listenError() const;

    long long received() const;
    std::string lastObjectAt() const;
    std::string lastCallingAe() const;
    std::string lastStudyUid() const;
    std::size_t pending() const; // objects in the spool, not yet processed
    long long processingFailures() const;
    long long refusedInARow() const; // C-STOREs answered 0xA700 since the last one kept
    std::string processingStalled() const; // why spooled objects cannot be stored now, or ""

    Pipeline& pipeline();

    struct State;

private:
    std::unique_ptr<State> state_;
};

} // namespace fa
