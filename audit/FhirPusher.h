// Dose summaries to a FHIR server ([fhir] url, docs/fhir.md): every study of this site filed or
// changed, as transaction Bundles of [fhir] batch studies (present/Fhir.h), with the bearer token of
// [fhir] token_file. The store keeps which version of each study the server took, so nothing is
// lost while the server is away and nothing is sent twice unless it changed. A server that cannot
// be reached, or fails otherwise (5xx, 401, 404, 429 ...), is tried again after 2, 4, 8 ... seconds
// (at most [fhir] retry_max_seconds); a study whose content it refuses (400, 409, 412 or 422, sent
// alone) is logged with the server's reason and sent again once it changes. Runs on its own thread in `serve`, or once from `fluoroaudit fhir-push`.
#pragma once

#include "audit/Worker.h"
#include "pipeline/Settings.h"
#include "store/StudyStore.h"

#include <functional>
#include <string>

namespace Poco {
class Logger;
}

namespace fa {

struct FhirPushProgress {
    std::size_t sent = 0;    // studies the server took
    std::size_t refused = 0; // studies it refused for good
    std::size_t waiting = 0; // still to send when the last Bundle went
    std::vector<std::pair<std::string, std::string>> refusals; // study, the server's reason
};

// What a FHIR server answered: its status and body.
struct FhirAnswer {
    int status = 0;
    std::string body;
};

// POSTs `bundle` (JSON) to the server's base; throws fa::Error when it cannot be reached.
FhirAnswer postFhirBundle(const FhirSettings& settings, const std::string& bundle);

class FhirPusher {
public:
    FhirPusher(const Settings& settings, Poco::Logger& log);
    ~FhirPusher(); // stops
    void start();  // does nothing without [fhir] url
    void stop();
    // Sends everything waiting, Bundle by Bundle, calling `progress` after each; throws fa::Error
    // when the server cannot take them now (what it took before is kept).
    FhirPushProgress pushPending(store::StudyStore& store, const std::function<void(const FhirPushProgress&)>& progress = {});

private:
    void loop();
    // Sends `batch`; a Bundle refused as a whole is sent again study by study, to find the one.
    void send(store::StudyStore& store, const std::vector<store::FhirPending>& batch, FhirPushProgress& progress);

    Settings settings_;
    Poco::Logger& log_;
    Worker worker_;
};

} // namespace fa
