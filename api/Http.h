// What every resource of the REST API uses to read a request and to answer: refusals with their
// status, JSON and CSV answers, the body and the query parameters.
#pragma once

#include "api/Api.h"
#include "core/Text.h"
#include "rules/ReferenceTable.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace fa::api {

// A refusal with the status to answer and a message a person can act on.
struct Refusal {
    int status;
    Text message;
};

ApiResponse json(const Poco::Dynamic::Var& value, int status = 200);
// {"error": the message in the caller's language, "code": its catalog id}.
ApiResponse error(int status, const Text& message, Language language);
ApiResponse csvResponse(const std::string& csv, const std::string& fileName);
// 422 with every problem of a table (reference levels, staff tables) by line and column.
ApiResponse tableProblems(const std::vector<rules::TableProblem>& problems, Language language);

// The body as a JSON object; refuses (400) anything else.
Poco::JSON::Object::Ptr parseBody(const std::string& body);
// A string member of the body; refuses a missing (when required) or non-string one.
std::string field(const Poco::JSON::Object::Ptr& body, const std::string& name, bool required = true);

std::string param(const ApiRequest& request, const std::string& name);
// Every value of a parameter given more than once (?date=ge2026-01-01&date=le2026-01-31).
std::vector<std::string> params(const ApiRequest& request, const std::string& name);
// YYYY-MM-DD (or YYYYMMDD); "" when absent.
std::string dateParam(const ApiRequest& request, const std::string& name);
std::size_t numberParam(const ApiRequest& request, const std::string& name, std::size_t fallback, std::size_t max);

bool isReviewState(const std::string& state);
std::vector<std::string> splitPath(const std::string& path);

} // namespace fa::api
