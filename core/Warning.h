// Data-quality warnings: stored with the study, never silently "fixed".
#pragma once

#include "core/Text.h"

#include <string>
#include <vector>

namespace fa {

struct Warning {
    std::string code;    // stable identifier, e.g. "unit-converted", "totals-mismatch"
    std::string message; // the English sentence: logs, the command line and rows stored before texts were kept
    int count = 1;       // how many times the same warning was raised in one object
    Text text;           // the sentence as a catalog entry and its values: shown in the reader's language

    // The warning for a person reading `language` (its English message where no text was kept).
    std::string in(Language language) const { return text.id.empty() ? message : text.in(language); }

    bool operator==(const Warning& o) const { return code == o.code && message == o.message && count == o.count; }
};

// A warning raised once.
Warning warning(std::string code, Text text);

// Collects warnings, folding repeats of the same code and message into one entry with a count,
// so that a 10,000-event report with a non-standard unit gives one line, not 10,000.
class WarningList {
public:
    void add(const std::string& code, const Text& text);
    void append(const std::vector<Warning>& other);
    const std::vector<Warning>& items() const { return items_; }
    std::vector<Warning> release() { return std::move(items_); }
    bool has(const std::string& code) const;

private:
    std::vector<Warning> items_;
};

} // namespace fa
