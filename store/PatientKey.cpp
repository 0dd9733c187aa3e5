#include "store/PatientKey.h"

#include "core/Error.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fa::store {

namespace {

std::string hex(const unsigned char* data, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0F]);
    }
    return out;
}

std::string createSecret(const std::string& path) {
    const std::string text = PatientKeyer::newSecret();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return {}; // another process created it first: read theirs
        throw Error("cannot create the site secret " + path + ": " + std::strerror(errno));
    }
    const std::string line = text + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw Error("cannot write the site secret " + path + ": " + std::strerror(errno));
    return text;
}

} // namespace

std::string PatientKeyer::newSecret() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("cannot generate the site secret: no random source");
    return hex(bytes, sizeof bytes);
}

PatientKeyer PatientKeyer::withSecret(const std::string& secret) {
    if (secret.size() < 32) throw Error("the group's patient-key secret in the database is shorter than 32 characters");
    PatientKeyer k;
    k.secret_ = secret;
    return k;
}

PatientKeyer::PatientKeyer(const std::string& secretFile) {
    std::ifstream in(secretFile);
    if (!in) {
        secret_ = createSecret(secretFile);
        if (!secret_.empty()) return;
        in.open(secretFile);
    }
    std::getline(in, secret_);
    if (secret_.size() < 32)
        throw Error("the site secret " + secretFile +
                    " is shorter than 32 characters; restore it from backup (patient keys depend on it)");
    struct stat st {};
    if (::stat(secretFile.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
        throw Error("the site secret " + secretFile + " is readable by other users; run: chmod 600 " + secretFile);
}

std::string PatientKeyer::keyFor(const std::string& patientId, const std::string& issuer) const {
    if (patientId.empty()) return {};
    const std::string message = issuer + '\x1f' + patientId;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    return hex(mac, length);
}

} // namespace fa::store
