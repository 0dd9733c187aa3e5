// A department's match expression (PCRE: Perl syntax, UTF-8, case-insensitive) with a bound on
// the work one match may take, so that no pattern can make classification hang: a nested
// repetition such as (a+)+$ tries exponentially many ways on a long description (catastrophic
// backtracking). Such a pattern is refused when the table is validated (it exceeds the bound on
// one of the probe texts); one that slips through counts as "no match" for that text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/Error.h"
#include "core/Text.h"

namespace fa::rules {

class Pattern {
public:
    // Steps of PCRE's matcher for one search: a real description needs a few hundred.
    static constexpr unsigned long kMatchLimit = 200000;
    static constexpr unsigned long kRecursionLimit = 2000;

    // Throws Pattern::Invalid (an fa::Error with PCRE's message and offset) when `expression` is not valid.
    explicit Pattern(const std::string& expression);
    struct Invalid : Error {
        Invalid(const std::string& message, Text why) : Error(message), reason(std::move(why)) {}
        Text reason; // what is wrong and where, in the reader's language (pcre.* of the catalog)
    };
    ~Pattern();
    Pattern(const Pattern&) = delete;
    Pattern& operator=(const Pattern&) = delete;

    enum class Result { Match, NoMatch, TooComplex };
    // Whether the pattern occurs anywhere in `text`.
    Result search(std::string_view text) const;

    // Texts on which a backtracking-prone pattern exceeds the bound: long runs of one character
    // of each kind, then one that ends the match.
    static const std::vector<std::string>& probes();

private:
    struct Compiled;
    std::unique_ptr<Compiled> compiled_;
};

} // namespace fa::rules
