// The building blocks of every JSON form (docs/json.md): objects that keep their keys in the
// documented order, and values that are null when unknown. A number that is not finite is unknown:
// JSON has no inf or nan, and one such value would make a whole answer unreadable.
#pragma once

#include "core/Text.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fa::present {

// A sentence as pieces [{"text": words} | {"data": a value put into it}] (Text::pieces), for a page
// that marks data as such.
Poco::JSON::Array::Ptr piecesJson(const std::vector<Text::Piece>& pieces);

// A JSON object that keeps its keys in the order they are set (the documented order).
Poco::JSON::Object::Ptr jsonObject();

// Indented JSON and a newline, as every `--json` prints.
void printJson(std::ostream& out, const Poco::JSON::Array& value);
void printJson(std::ostream& out, const Poco::JSON::Object& value);
// Compact JSON, as the API answers.
std::string compactJson(const Poco::Dynamic::Var& value);

// A figure rounded for display (10 significant digits), or null when unknown or not finite.
Poco::Dynamic::Var number(const std::optional<double>& v);
Poco::Dynamic::Var number(double v);
Poco::Dynamic::Var integer(const std::optional<long long>& v);
Poco::Dynamic::Var integer(std::size_t v);
// null for "" (unknown), else the text.
Poco::Dynamic::Var text(const std::string& s);
Poco::JSON::Array::Ptr texts(const std::vector<std::string>& list);

} // namespace fa::present
