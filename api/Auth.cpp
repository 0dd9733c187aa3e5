#include "api/Auth.h"

#include <atomic>
#include <cstdint>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <Poco/NumberParser.h>

#include <algorithm>
#include <stdexcept>

namespace fa::api {

namespace {

std::string base64(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> unbase64(const std::string& s) {
    if (s.empty() || s.size() % 4) return std::nullopt;
    std::string out(3 * s.size() / 4, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                                  reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    if (n < 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    if (s.size() >= 1 && s[s.size() - 1] == '=') --len;
    if (s.size() >= 2 && s[s.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

std::atomic<std::uint64_t> iterationsDone{0};

std::string derive(const std::string& password, const std::string& salt, int iterations) {
    iterationsDone += static_cast<std::uint64_t>(iterations);
    unsigned char key[32];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                          EVP_sha256(), sizeof key, key) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return std::string(reinterpret_cast<char*>(key), sizeof key);
}

std::string randomBytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&out[0]), static_cast<int>(n)) != 1)
        throw std::runtime_error("no random bytes from OpenSSL");
    return out;
}

} // namespace

std::string hashPassword(const std::string& password, int iterations) {
    const std::string salt = randomBytes(16);
    const std::string key = derive(password, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" +
           base64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) + "$" +
           base64(reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

bool verifyPassword(const std::string& password, const std::string& stored) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = stored.find('$', start);
        parts.push_back(stored.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    int iterations = 0;
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256" || !Poco::NumberParser::tryParse(parts[1], iterations) ||
        iterations < 1)
        return false;
    const auto salt = unbase64(parts[2]), expected = unbase64(parts[3]);
    if (!salt || !expected || expected->size() != 32) return false;
    const std::string key = derive(password, *salt, iterations);
    return CRYPTO_memcmp(key.data(), expected->data(), key.size()) == 0;
}

std::uint64_t pbkdf2IterationsDone() { return iterationsDone; }

bool verifyAgainstNobody(const std::string& password) {
    static const std::string nobody = hashPassword("no user has this password", kPbkdf2Iterations);
    verifyPassword(password, nobody);
    return false;
}

std::optional<Text> passwordProblem(const std::string& password) {
    if (password.size() < 10) return text("password.short");
    if (password.size() > 1024) return text("password.long");
    return std::nullopt;
}

bool isRole(const std::string& role) { return roleRank(role) > 0; }

int roleRank(const std::string& role) {
    if (role == "viewer") return 1;
    if (role == "reviewer") return 2;
    if (role == "admin") return 3;
    return 0;
}

std::string randomToken(std::size_t bytes) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : randomBytes(bytes)) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

Session Sessions::create(const std::string& username, const std::string& role) {
    Session s{randomToken(), randomToken(), username, role, std::chrono::steady_clock::now()};
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_[s.token] = s;
    return s;
}

std::optional<Session> Sessions::find(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (now - it->second.lastSeen > idle_) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.lastSeen = now;
    return it->second;
}

void Sessions::end(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(token);
}

void Sessions::endUser(const std::string& username) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();)
        it = it->second.username == username ? sessions_.erase(it) : std::next(it);
}

void Sessions::updateRole(const std::string& username, const std::string& role) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [token, s] : sessions_)
        if (s.username == username) s.role = role;
}

std::size_t Sessions::count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sessions_.size();
}

int LoginThrottle::wait(Record& r, std::chrono::steady_clock::time_point now) {
    if (r.blockedUntil <= now) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(r.blockedUntil - now).count());
}

void LoginThrottle::fail(Record& r, std::chrono::steady_clock::time_point now) {
    const auto window = std::chrono::minutes(15);
    r.failures.erase(std::remove_if(r.failures.begin(), r.failures.end(), [&](auto t) { return now - t > window; }),
                     r.failures.end());
    r.failures.push_back(now);
    if (r.failures.size() >= 5) {
        const auto extra = std::min<std::size_t>(r.failures.size() - 5, 5);
        const auto delay = std::min<std::chrono::seconds>(std::chrono::seconds(30 << extra), std::chrono::minutes(15));
        r.blockedUntil = now + delay;
    }
}

int LoginThrottle::admit(const std::string& username, const std::string& remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const int waitFor = std::max(wait(byName_[username], now), wait(byAddress_[remote], now));
    if (waitFor == 0) {
        fail(byName_[username], now);
        fail(byAddress_[remote], now);
    }
    prune(byName_, now);
    prune(byAddress_, now);
    return waitFor;
}

void LoginThrottle::succeeded(const std::string& username, const std::string& remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    byName_.erase(username);
    // The address's count starts again, but a wait it earned stays (one good account must not
    // unblock an address that guessed at others).
    if (const auto it = byAddress_.find(remote); it != byAddress_.end()) it->second.failures.clear();
}

std::size_t LoginThrottle::tracked() {
    std::lock_guard<std::mutex> lock(mutex_);
    return byName_.size() + byAddress_.size();
}

// Runs once the records reach twice the bound and brings them back to it: a flood of made-up
// names costs each request a constant amount of work on average, not a scan of every record.
void LoginThrottle::prune(std::map<std::string, Record>& records, std::chrono::steady_clock::time_point now) {
    if (records.size() <= 2 * kMaxTracked) return;
    const auto window = std::chrono::minutes(15);
    for (auto it = records.begin(); it != records.end();) {
        const bool stale = it->second.blockedUntil <= now &&
                           (it->second.failures.empty() || now - it->second.failures.back() > window);
        it = stale ? records.erase(it) : std::next(it);
    }
    // Still too many (a flood of fresh names): forget the unblocked ones, newest last.
    for (auto it = records.begin(); records.size() > kMaxTracked && it != records.end();)
        it = it->second.blockedUntil <= now ? records.erase(it) : std::next(it);
}

} // namespace fa::api
