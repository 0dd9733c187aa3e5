// The columns of a query's result, read by name: a reader says which column it means, and a
// column added to or moved in a SELECT cannot shift the others. Names are looked up once per result.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace Poco::Data {
class RecordSet;
}

namespace fa::store {

struct Result;

class Columns {
public:
    // A Poco statement's result, or what Database::run returned.
    explicit Columns(Poco::Data::RecordSet& result);
    explicit Columns(const Result& result);

    std::size_t rows() const;
    // "" for NULL.
    std::string text(const char* name, std::size_t row) const;
    std::optional<double> real(const char* name, std::size_t row) const;
    std::optional<long long> integer(const char* name, std::size_t row) const;

private:
    std::size_t at(const char* name) const;

    Poco::Data::RecordSet* recordSet_ = nullptr;
    const Result* result_ = nullptr;
    std::map<std::string, std::size_t, std::less<>> index_;
};

} // namespace fa::store
