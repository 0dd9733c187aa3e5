// Pseudonymous patient key: HMAC-SHA256 of the patient ID under a site secret, so that studies of
// one patient can be summed without storing the ID (patient IDs are short and enumerable: an
// unkeyed hash would be reversible).
#pragma once

#include <string>

namespace fa::store {

class PatientKeyer {
public:
    // Reads the secret from `secretFile`, creating it (32 random bytes, mode 0600) on first use.
    explicit PatientKeyer(const std::string& secretFile);
    // With a secret kept elsewhere (a group's, in its database).
    static PatientKeyer withSecret(const std::string& secret);
    // A new secret: 32 random bytes as hexadecimal.
    static std::string newSecret();

    // The secret itself, for copying a site's store into its group's database (never shown).
    const std::string& secret() const { return secret_; }
    // "" when the object carries no patient ID.
    std::string keyFor(const std::string& patientId, const std::string& issuerOfPatientId) const;

private:
    PatientKeyer() = default;
    std::string secret_;
};

} // namespace fa::store
