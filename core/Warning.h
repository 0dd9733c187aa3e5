// Data-quality warnings: stored with the study, never silently "fixed".
#pragma once

#include <string>
#include <vector>

namespace fa {

struct Warning {
    std::string code;    // stable identifier, e.g. "unit-converted", "totals-mismatch"
    std::string message; // what a person reads
    int count = 1;       // how many times the same warning was raised in one object

    bool operator==(const Warning& o) const { return code == o.code && message == o.message && count == o.count; }
};

// Collects warnings, folding repeats of the same code and message into one entry with a count,
// so that a 10,000-event report with a non-standard unit gives one line, not 10,000.
class WarningList {
public:
    void add(const std::string& code, const std::string& message);
    void append(const std::vector<Warning>& other);
    const std::vector<Warning>& items() const { return items_; }
    std::vector<Warning> release() { return std::move(items_); }
    bool has(const std::string& code) const;

private:
    std::vector<Warning> items_;
};

} // namespace fa
