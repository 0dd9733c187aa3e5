#include "audit/FhirPusher.h"

#include "core/Error.h"
#include "present/Fhir.h"
#include "present/Json.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

namespace fa {

namespace {

std::string readToken(const std::string& file) {
    if (file.empty()) return "";
    std::ifstream in(file);
    if (!in) throw Error("cannot read the FHIR token file " + file);
    std::stringstream text;
    text << in.rdbuf();
    return Poco::trim(text.str());
}

// The server's reason in an OperationOutcome (its diagnostics or text), else the body's start.
std::string reasonOf(const FhirAnswer& a) {
    try {
        const auto o = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
        if (o && o->has("issue")) {
            std::string out;
            const auto issues = o->getArray("issue");
            for (std::size_t i = 0; i < issues->size(); ++i) {
                const auto issue = issues->getObject(static_cast<unsigned>(i));
                std::string text = issue->optValue<std::string>("diagnostics", "");
                if (text.empty() && issue->has("details")) text = issue->getObject("details")->optValue<std::string>("text", "");
                if (!text.empty()) out += (out.empty() ? "" : "; ") + text;
            }
            if (!out.empty()) return "HTTP " + std::to_string(a.status) + ": " + out;
        }
    } catch (const Poco::Exception&) {
    }
    return "HTTP " + std::to_string(a.status) + (a.body.empty() ? "" : ": " + a.body.substr(0, 300));
}

// A refusal of the Bundle's content (it would be refused again as it is); any other failure (the
// server down or busy, a token or address to mend) may pass: the Bundle is sent again later.
bool refusal(int status) { return status == 400 || status == 409 || status == 412 || status == 422; }

} // namespace

FhirAnswer postFhirBundle(const FhirSettings& s, const std::string& bundle) {
    const Poco::URI uri(s.url);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    try {
        if (uri.getScheme() == "https") {
            Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s.caFile,
                                                                     Poco::Net::Context::VERIFY_RELAXED, 9, s.caFile.empty());
            Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> handler = new Poco::Net::RejectCertificateHandler(false);
            Poco::Net::SSLManager::instance().initializeClient(nullptr, handler, context);
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
        } else {
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        }
        session->setTimeout(Poco::Timespan(s.timeout_s, 0));
        const std::string path = uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/fhir+json; charset=utf-8");
        request.set("Accept", "application/fhir+json");
        request.setContentLength(static_cast<std::streamsize>(bundle.size()));
        if (const std::string token = readToken(s.tokenFile); !token.empty()) request.set("Authorization", "Bearer " + token);
        session->sendRequest(request) << bundle;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        FhirAnswer answer;
        answer.status = static_cast<int>(response.getStatus());
        Poco::StreamCopier::copyToString(in, answer.body);
        return answer;
    } catch (const Poco::Exception& e) {
        throw Error("FHIR server " + s.url + ": " + e.displayText());
    }
}

FhirPusher::FhirPusher(const Settings& settings, Poco::Logger& log) : settings_(settings), log_(log) {}

FhirPusher::~FhirPusher() { stop(); }

void FhirPusher::start() {
    if (!settings_.fhir.configured() || worker_.running()) return;
    log_.information("FHIR: dose summaries of this site's studies go to %s as they are filed or change%s", settings_.fhir.url,
                     settings_.fhir.since.empty() ? std::string() : " (studies from " + settings_.fhir.since + ")");
    worker_.start([this] { loop(); });
}

void FhirPusher::stop() { worker_.stop(); }

void FhirPusher::loop() {
    int failures = 0;
    try {
        store::StudyStore store(settings_.storeLocation());
        store.setSite(settings_.siteName());
        for (;;) {
            int wait_s = settings_.fhir.checkSeconds;
            try {
                pushPending(store, [this](const FhirPushProgress& p) {
                    log_.information("FHIR: %?d sent, %?d refused, %?d waiting", p.sent, p.refused, p.waiting);
                });
                if (failures > 0) log_.information("FHIR: %s takes dose summaries again", settings_.fhir.url);
                failures = 0;
            } catch (const Error& e) {
                ++failures;
                wait_s = std::min(settings_.fhir.retryMaxSeconds, 1 << std::min(failures, 20));
                if (failures == 1 || wait_s == settings_.fhir.retryMaxSeconds)
                    log_.error("FHIR: %s; trying again in %d s (nothing is lost: studies wait in the store)", std::string(e.what()),
                               wait_s);
            }
            if (!worker_.pause(std::chrono::seconds(wait_s))) return;
        }
    } catch (const Error& e) {
        log_.error("FHIR: sending stopped: %s", std::string(e.what()));
    }
}

FhirPushProgress FhirPusher::pushPending(store::StudyStore& store, const std::function<void(const FhirPushProgress&)>& progress) {
    FhirPushProgress p;
    const auto batchSize = static_cast<std::size_t>(std::max(1, settings_.fhir.batch));
    // Counted once when there is something to send (a count reads every study of the site), then
    // counted down: a backfill of a large store does not count it again for every Bundle.
    std::optional<std::size_t> waiting;
    while (!worker_.stopping()) {
        const auto batch = store.fhirPending(settings_.fhir.since, batchSize);
        if (batch.empty()) break;
        if (!waiting) waiting = store.fhirCounts(settings_.fhir.since).first;
        const std::size_t before = p.sent + p.refused;
        send(store, batch, p);
        *waiting -= std::min(*waiting, p.sent + p.refused - before);
        p.waiting = *waiting;
        if (progress) progress(p);
        if (batch.size() < batchSize) break;
    }
    return p;
}

void FhirPusher::send(store::StudyStore& store, const std::vector<store::FhirPending>& batch, FhirPushProgress& progress) {
    std::vector<store::StudyRecord> records;
    std::vector<std::vector<DoseObject>> objects;
    std::vector<store::FhirPending> present, gone;
    records.reserve(batch.size());
    objects.reserve(batch.size());
    for (const auto& b : batch) {
        auto r = store.study(b.studyUid);
        if (!r) {
            gone.push_back(b);
            continue;
        }
        records.push_back(std::move(*r));
        objects.push_back(store.objectsOf(b.studyUid));
        present.push_back(b);
    }
    if (!gone.empty()) store.recordFhirSent(gone, "no longer in the store");
    if (present.empty()) return;
    std::vector<present::FhirStudy> studies;
    for (std::size_t i = 0; i < records.size(); ++i)
        studies.push_back({&records[i], &objects[i], settings_.storePatientIdentifiers});
    const FhirAnswer a = postFhirBundle(settings_.fhir, present::compactJson(present::fhirBundle(studies, "transaction")));
    if (a.status >= 200 && a.status < 300) {
        store.recordFhirSent(present, "");
        progress.sent += present.size();
        return;
    }
    if (!refusal(a.status)) throw Error("FHIR server " + settings_.fhir.url + " answered " + reasonOf(a));
    if (present.size() > 1) {
        for (const auto& one : present) send(store, {one}, progress);
        return;
    }
    const std::string why = reasonOf(a);
    log_.error("FHIR: %s refused the dose summary of study %s: %s (sent again when the study changes)", settings_.fhir.url,
               present.front().studyUid, why);
    store.recordFhirSent(present, why);
    ++progress.refused;
    progress.refusals.emplace_back(present.front().studyUid, why);
}

} // namespace fa
