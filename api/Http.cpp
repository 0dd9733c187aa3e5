#include "api/Http.h"

#include "present/Json.h"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <sstream>

namespace fa::api {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using present::jsonObject;

ApiResponse json(const Var& v, int status) {
    ApiResponse r;
    r.status = status;
    r.body = present::compactJson(v);
    return r;
}

ApiResponse error(int status, const Text& message, Language language) {
    Object::Ptr o = jsonObject();
    o->set("error", message.in(language));
    o->set("code", message.id);
    return json(o, status);
}

Object::Ptr parseBody(const std::string& body) {
    if (body.empty()) throw Refusal{400, text("request.noBody")};
    try {
        auto v = Poco::JSON::Parser().parse(body);
        if (v.type() != typeid(Object::Ptr)) throw Refusal{400, text("request.notObject")};
        return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Refusal{400, text("request.badJson", {{"reason", e.message()}})};
    }
}

std::string field(const Object::Ptr& o, const std::string& name, bool required) {
    if (!o->has(name) || o->isNull(name)) {
        if (required) throw Refusal{400, text("request.missing", {{"name", name}})};
        return {};
    }
    const Var v = o->get(name);
    if (!v.isString()) throw Refusal{400, text("request.notString", {{"name", name}})};
    return v.extract<std::string>();
}

std::string param(const ApiRequest& r, const std::string& name) {
    auto it = r.query.find(name);
    return it == r.query.end() ? std::string() : it->second;
}

std::vector<std::string> params(const ApiRequest& r, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.queryList)
        if (k == name) out.push_back(v);
    if (out.empty())
        if (auto it = r.query.find(name); it != r.query.end()) out.push_back(it->second);
    return out;
}

std::string dateParam(const ApiRequest& r, const std::string& name) {
    std::string v = param(r, name);
    if (v.empty()) return v;
    if (v.size() == 8 && v.find('-') == std::string::npos) v = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
    if (v.size() != 10 || v[4] != '-' || v[7] != '-' ||
        !std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; }))
        throw Refusal{400, text("request.notDate", {{"name", name}, {"value", param(r, name)}})};
    return v;
}

std::size_t numberParam(const ApiRequest& r, const std::string& name, std::size_t fallback, std::size_t max) {
    const std::string v = param(r, name);
    if (v.empty()) return fallback;
    unsigned n = 0;
    if (!Poco::NumberParser::tryParseUnsigned(v, n) || n == 0 || n > max)
        throw Refusal{400, text("request.notCount", {{"name", name}, {"max", std::to_string(max)}})};
    return n;
}

bool isReviewState(const std::string& s) { return s == "acknowledged" || s == "justified" || s == "action-required"; }

ApiResponse csvResponse(const std::string& csv, const std::string& name) {
    ApiResponse r;
    r.contentType = "text/csv; charset=utf-8";
    r.body = csv;
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
    return r;
}

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(path);
    while (std::getline(in, part, '/'))
        if (!part.empty()) out.push_back(part);
    return out;
}

ApiResponse tableProblems(const std::vector<rules::TableProblem>& problems, Language language) {
    Object::Ptr o = jsonObject();
    o->set("error", text("levels.problems", {{"count", std::to_string(problems.size())}}).in(language));
    o->set("code", "levels.problems");
    Array::Ptr list = new Array;
    for (const auto& p : problems) {
        Object::Ptr x = jsonObject();
        x->set("line", p.line);
        x->set("column", p.column);
        x->set("reason", p.reason.in(language));
        x->set("reason_parts", present::piecesJson(p.reason.pieces(language)));
        x->set("code", p.reason.id);
        x->set("message", rules::problemText(p).in(language));
        list->add(x);
    }
    o->set("problems", list);
    return json(o, 422);
}

} // namespace fa::api

