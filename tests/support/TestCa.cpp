#include "tests/support/TestCa.h"

#include "tests/support/Run.h"

#include <filesystem>
#include <stdexcept>

namespace fa::test {

namespace {
void openssl(const std::string& arguments) {
    const RunResult r = run("openssl " + arguments);
    if (r.exitCode != 0) throw std::runtime_error("openssl " + arguments + " failed:\n" + r.out + r.err);
}
} // namespace

TestCa::TestCa(const std::string& folder)
    : folder_(folder), certificate_(folder + "/ca.crt"), key_(folder + "/ca.key") {
    std::filesystem::create_directories(folder);
    openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=fluoroaudit test CA' -keyout " + quote(key_) +
            " -out " + quote(certificate_));
}

KeyPair TestCa::issue(const std::string& commonName) const {
    const std::string base = folder_ + "/" + commonName;
    KeyPair pair{base + ".crt", base + ".key"};
    openssl("req -newkey rsa:2048 -nodes -subj " + quote("/CN=" + commonName) + " -keyout " + quote(pair.privateKey) +
            " -out " + quote(base + ".csr"));
    const std::string extensions = base + ".ext";
    run("printf 'subjectAltName=DNS:%s\\nbasicConstraints=CA:FALSE\\n' " + quote(commonName) + " > " + quote(extensions));
    openssl("x509 -req -days 2 -in " + quote(base + ".csr") + " -CA " + quote(certificate_) + " -CAkey " + quote(key_) +
            " -CAcreateserial -extfile " + quote(extensions) + " -out " + quote(pair.certificate));
    return pair;
}

KeyPair TestCa::selfSigned(const std::string& commonName) const {
    const std::string base = folder_ + "/" + commonName;
    KeyPair pair{base + ".crt", base + ".key"};
    openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj " + quote("/CN=" + commonName) + " -keyout " +
            quote(pair.privateKey) + " -out " + quote(pair.certificate));
    return pair;
}

} // namespace fa::test
