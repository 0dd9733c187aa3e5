#include "tests/support/FhirServer.h"

#include "tests/support/FhirProfile.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <set>
#include <sstream>

namespace fa::test {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct FhirServer::State {
    std::string token;
    mutable std::mutex mutex;
    int failNext = 0;
    int requests = 0;
    std::set<std::string> refused;
    std::vector<std::string> authorizations, problems;
    // type -> identifier "system|value" -> resource
    std::map<std::string, std::map<std::string, Object::Ptr>> held;
};

namespace {

std::string text(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

Object::Ptr outcome(const std::string& code, const std::string& diagnostics) {
    Object::Ptr issue = new Object;
    issue->set("severity", "error");
    issue->set("code", code);
    issue->set("diagnostics", diagnostics);
    Array::Ptr issues = new Array;
    issues->add(issue);
    Object::Ptr o = new Object;
    o->set("resourceType", "OperationOutcome");
    o->set("issue", issues);
    return o;
}

// "identifier=SYSTEM|VALUE" of a conditional request.
std::string keyOf(const std::string& query) {
    const auto at = query.find("identifier=");
    return at == std::string::npos ? "" : query.substr(at + 11);
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(std::shared_ptr<FhirServer::State> state) : s_(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        auto answer = [&](Poco::Net::HTTPResponse::HTTPStatus status, const Object::Ptr& o) {
            response.setStatus(status);
            response.setContentType("application/fhir+json");
            const std::string t = text(o);
            response.setContentLength(static_cast<std::streamsize>(t.size()));
            response.send() << t;
        };
        std::lock_guard<std::mutex> lock(s_->mutex);
        ++s_->requests;
        s_->authorizations.push_back(request.get("Authorization", ""));
        if (s_->failNext > 0) {
            --s_->failNext;
            return answer(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, outcome("transient", "down for maintenance"));
        }
        if (!s_->token.empty() && request.get("Authorization", "") != "Bearer " + s_->token)
            return answer(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, outcome("login", "a bearer token is needed"));
        if (request.getMethod() != "POST" || request.getURI() != "/fhir" ||
            request.getContentType().rfind("application/fhir+json", 0) != 0)
            return answer(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, outcome("not-supported", "POST application/fhir+json to /fhir"));
        Object::Ptr bundle;
        try {
            bundle = Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
        } catch (const Poco::Exception& e) {
            return answer(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, outcome("structure", e.displayText()));
        }
        const auto problems = transactionBundleProblems(bundle);
        if (!problems.empty()) {
            s_->problems.insert(s_->problems.end(), problems.begin(), problems.end());
            return answer(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, outcome("invalid", joined(problems)));
        }
        const auto entries = bundle->getArray("entry");
        for (std::size_t i = 0; i < entries->size(); ++i) {
            const auto e = entries->getObject(static_cast<unsigned>(i));
            const std::string url = e->getObject("request")->getValue<std::string>("url");
            for (const auto& uid : s_->refused)
                if (url.find(uid) != std::string::npos)
                    return answer(Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                                  outcome("business-rule", "study " + uid + " is refused here"));
        }
        // The transaction: conditional creates leave what is there, conditional updates replace.
        Array::Ptr results = new Array;
        for (std::size_t i = 0; i < entries->size(); ++i) {
            const auto e = entries->getObject(static_cast<unsigned>(i));
            const auto req = e->getObject("request");
            const auto resource = e->getObject("resource");
            const std::string type = resource->getValue<std::string>("resourceType");
            const std::string method = req->getValue<std::string>("method");
            const std::string key = keyOf(method == "POST" ? req->optValue<std::string>("ifNoneExist", "")
                                                           : req->getValue<std::string>("url"));
            auto& ofType = s_->held[type];
            const bool existed = ofType.count(key) > 0;
            if (method == "PUT" || !existed) ofType[key] = resource;
            Object::Ptr r = new Object;
            r->set("status", existed && method == "POST" ? "200 OK" : existed ? "200 OK" : "201 Created");
            Object::Ptr re = new Object;
            re->set("response", r);
            results->add(re);
        }
        Object::Ptr reply = new Object;
        reply->set("resourceType", "Bundle");
        reply->set("type", "transaction-response");
        reply->set("entry", results);
        answer(Poco::Net::HTTPResponse::HTTP_OK, reply);
    }

private:
    std::shared_ptr<FhirServer::State> s_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(std::shared_ptr<FhirServer::State> state) : s_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(s_); }

private:
    std::shared_ptr<FhirServer::State> s_;
};

} // namespace

FhirServer::FhirServer(const std::string& token) : state_(std::make_shared<State>()) {
    state_->token = token;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, new Poco::Net::HTTPServerParams);
    server_->start();
}

FhirServer::~FhirServer() { server_->stopAll(true); }

void FhirServer::failNext(int requests) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->failNext = requests;
}

void FhirServer::refuseStudy(const std::string& studyUid) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->refused.insert(studyUid);
}

std::map<std::string, Object::Ptr> FhirServer::observations() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    std::map<std::string, Object::Ptr> out;
    const auto it = state_->held.find("Observation");
    if (it == state_->held.end()) return out;
    for (const auto& [key, o] : it->second) out[key.substr(key.find('|') + 1)] = o;
    return out;
}

std::size_t FhirServer::resources(const std::string& type) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    const auto it = state_->held.find(type);
    return it == state_->held.end() ? 0 : it->second.size();
}

int FhirServer::requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->requests;
}

std::vector<std::string> FhirServer::authorizations() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->authorizations;
}

std::vector<std::string> FhirServer::problems() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->problems;
}

} // namespace fa::test
