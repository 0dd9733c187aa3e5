// Local users' passwords (PBKDF2-HMAC-SHA256), sessions with CSRF tokens and an idle timeout, and
// login throttling. Sessions live in memory: a restart asks everybody to log in again.
#pragma once

#include "core/Text.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fa::api {

constexpr int kPbkdf2Iterations = 600000;

// "pbkdf2-sha256$ITERATIONS$SALT$HASH" (salt and hash base64), a fresh 16-byte salt each time.
std::string hashPassword(const std::string& password, int iterations = kPbkdf2Iterations);
// Constant-time comparison; false for a malformed stored hash.
bool verifyPassword(const std::string& password, const std::string& stored);
// The same work as verifyPassword for a user that does not exist (always false), so that the
// time a login takes does not tell whether a user name exists.
bool verifyAgainstNobody(const std::string& password);
// PBKDF2 iterations computed by this process so far: what a login costs, observable by tests.
std::uint64_t pbkdf2IterationsDone();
// What is wrong with a new password ("" when it is acceptable).
std::optional<Text> passwordProblem(const std::string& password);

bool isRole(const std::string& role);                            // viewer, reviewer, admin
int roleRank(const std::string& role);                           // viewer 1, reviewer 2, admin 3, else 0
std::string randomToken(std::size_t bytes = 32);                  // hex

struct Session {
    std::string token; // the cookie value
    std::string csrf;  // sent back in X-CSRF-Token with every change
    std::string username, role;
    std::chrono::steady_clock::time_point lastSeen;
};

class Sessions {
public:
    explicit Sessions(std::chrono::minutes idle) : idle_(idle) {}
    Session create(const std::string& username, const std::string& role);
    // The live session of `token`, its idle clock restarted; none when unknown or idle too long.
    std::optional<Session> find(const std::string& token);
    void end(const std::string& token);
    void endUser(const std::string& username); // when the user is disabled or changes password
    void updateRole(const std::string& username, const std::string& role);
    std::size_t count();

private:
    std::chrono::minutes idle_;
    std::mutex mutex_;
    std::map<std::string, Session> sessions_;
};

// After 5 failed logins for one name or one address within 15 minutes, that name or address
// waits: 30 s, doubling with every further failure, at most 15 minutes. An attempt counts as
// failed from the moment it is admitted until it succeeds, so that parallel guesses cannot slip
// past the limit while their passwords are being checked. At most twice kMaxTracked names and as
// many addresses are remembered (unblocked ones are forgotten first), however many are tried.
class LoginThrottle {
public:
    static constexpr std::size_t kMaxTracked = 10000;
    // Seconds to wait before the next attempt; 0 = go ahead, and the attempt is counted.
    int admit(const std::string& username, const std::string& remote);
    void succeeded(const std::string& username, const std::string& remote);
    std::size_t tracked(); // names and addresses remembered

private:
    struct Record {
        std::vector<std::chrono::steady_clock::time_point> failures;
        std::chrono::steady_clock::time_point blockedUntil{};
    };
    int wait(Record& r, std::chrono::steady_clock::time_point now);
    void fail(Record& r, std::chrono::steady_clock::time_point now);
    void prune(std::map<std::string, Record>& records, std::chrono::steady_clock::time_point now);
    std::mutex mutex_;
    std::map<std::string, Record> byName_, byAddress_;
};

} // namespace fa::api
