// A small FHIR server on loopback for the tests of the push (audit/FhirPusher.h): it takes
// transaction Bundles at its base (POST /fhir), checks them against the IG's profiles
// (tests/support/FhirProfile.h) and FHIR's transaction rules, keeps Patients, ImagingStudies,
// Devices and Observations with conditional create and update by identifier, and answers a
// transaction-response. It can ask for a bearer token, be down (503) for a number of requests, and
// refuse (422) the Bundles that hold a given study.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace fa::test {

class FhirServer {
public:
    explicit FhirServer(const std::string& token = "");
    ~FhirServer();
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/fhir"; }

    void failNext(int requests);                  // answer 503 to that many requests
    void refuseStudy(const std::string& studyUid); // answer 422 to every Bundle that holds it

    // What it holds: Observations by their study's identifier value (urn:oid:UID).
    std::map<std::string, Poco::JSON::Object::Ptr> observations() const;
    std::size_t resources(const std::string& type) const; // how many of a type it holds
    int requests() const;                                  // POSTs received, answered or not
    std::vector<std::string> authorizations() const;       // each request's Authorization header
    std::vector<std::string> problems() const;             // what it refused Bundles for

    struct State;

private:
    std::shared_ptr<State> state_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    int port_ = 0;
};

} // namespace fa::test
