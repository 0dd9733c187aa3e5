#include "store/Columns.h"

#include "core/Error.h"
#include "store/Database.h"

#include <Poco/Data/RecordSet.h>

#include <cstdlib>

namespace fa::store {

Columns::Columns(Poco::Data::RecordSet& result) : recordSet_(&result) {
    for (std::size_t c = 0; c < result.columnCount(); ++c) index_.emplace(result.columnName(c), c);
}

Columns::Columns(const Result& result) : result_(&result) {
    for (std::size_t c = 0; c < result.columns.size(); ++c) index_.emplace(result.columns[c], c);
}

std::size_t Columns::rows() const { return recordSet_ ? recordSet_->rowCount() : result_->rows(); }

std::size_t Columns::at(const char* name) const {
    const auto it = index_.find(std::string_view(name));
    if (it == index_.end()) throw Error(std::string("the query has no column ") + name);
    return it->second;
}

namespace {

// A number of a result: SQLite gives it typed, PostgreSQL as text. nullopt for NULL.
template <typename T> std::optional<T> number(const Value& v, const char* name) {
    if (const auto* integer = std::get_if<long long>(&v)) return static_cast<T>(*integer);
    if (const auto* real = std::get_if<double>(&v)) return static_cast<T>(*real);
    const auto* text = std::get_if<std::string>(&v);
    if (!text) return std::nullopt;
    char* end = nullptr;
    const T parsed = std::is_floating_point_v<T> ? static_cast<T>(std::strtod(text->c_str(), &end))
                                                 : static_cast<T>(std::strtoll(text->c_str(), &end, 10));
    if (end == text->c_str() || *end != '\0') throw Error(std::string("column ") + name + " is not a number: " + *text);
    return parsed;
}

} // namespace

std::string Columns::text(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    if (recordSet_) return recordSet_->isNull(c, row) ? std::string() : recordSet_->value(c, row).convert<std::string>();
    const Value& v = result_->at(c, row);
    if (const auto* text = std::get_if<std::string>(&v)) return *text;
    if (const auto* integer = std::get_if<long long>(&v)) return std::to_string(*integer);
    if (const auto* real = std::get_if<double>(&v)) return exactText(*real);
    return {};
}

std::optional<double> Columns::real(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    if (result_) return number<double>(result_->at(c, row), name);
    if (recordSet_->isNull(c, row)) return std::nullopt;
    return recordSet_->value(c, row).convert<double>();
}

std::optional<long long> Columns::integer(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    if (result_) return number<long long>(result_->at(c, row), name);
    if (recordSet_->isNull(c, row)) return std::nullopt;
    return static_cast<long long>(recordSet_->value(c, row).convert<Poco::Int64>());
}

} // namespace fa::store
