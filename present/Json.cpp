#include "present/Json.h"

#include "present/Display.h"

#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <ostream>
#include <sstream>

namespace fa::present {

Poco::JSON::Array::Ptr piecesJson(const std::vector<Text::Piece>& pieces) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& p : pieces) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set(p.data ? "data" : "text", p.text);
        out->add(o);
    }
    return out;
}

using Poco::Dynamic::Var;

Poco::JSON::Object::Ptr jsonObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void printJson(std::ostream& out, const Poco::JSON::Array& value) {
    value.stringify(out, 2);
    out << "\n";
}

void printJson(std::ostream& out, const Poco::JSON::Object& value) {
    value.stringify(out, 2);
    out << "\n";
}

std::string compactJson(const Var& value) {
    std::ostringstream out;
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) value.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    else if (value.type() == typeid(Poco::JSON::Array::Ptr)) value.extract<Poco::JSON::Array::Ptr>()->stringify(out);
    else Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

Var number(double v) { return std::isfinite(v) ? Var(roundForDisplay(v)) : Var(); }

Var number(const std::optional<double>& v) { return v ? number(*v) : Var(); }

Var integer(const std::optional<long long>& v) { return v ? Var(static_cast<Poco::Int64>(*v)) : Var(); }

Var integer(std::size_t v) { return Var(static_cast<Poco::UInt64>(v)); }

Var text(const std::string& s) { return s.empty() ? Var() : Var(s); }

Poco::JSON::Array::Ptr texts(const std::vector<std::string>& list) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& s : list) out->add(s);
    return out;
}

} // namespace fa::present
