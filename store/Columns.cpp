#include "store/Columns.h"

#include "core/Error.h"

#include <Poco/Data/RecordSet.h>

namespace fa::store {

Columns::Columns(Poco::Data::RecordSet& result) : result_(result) {
    for (std::size_t c = 0; c < result.columnCount(); ++c) index_.emplace(result.columnName(c), c);
}

std::size_t Columns::rows() const { return result_.rowCount(); }

std::size_t Columns::at(const char* name) const {
    const auto it = index_.find(std::string_view(name));
    if (it == index_.end()) throw Error(std::string("the query has no column ") + name);
    return it->second;
}

std::string Columns::text(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    return result_.isNull(c, row) ? std::string() : result_.value(c, row).convert<std::string>();
}

std::optional<double> Columns::real(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    if (result_.isNull(c, row)) return std::nullopt;
    return result_.value(c, row).convert<double>();
}

std::optional<long long> Columns::integer(const char* name, std::size_t row) const {
    const std::size_t c = at(name);
    if (result_.isNull(c, row)) return std::nullopt;
    return static_cast<long long>(result_.value(c, row).convert<Poco::Int64>());
}

} // namespace fa::store
