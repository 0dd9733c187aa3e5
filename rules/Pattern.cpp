#include "rules/Pattern.h"

#include "core/Error.h"

#include <pcre.h>

#include <cstring>

namespace fa::rules {

struct Pattern::Compiled {
    pcre* code = nullptr;
    pcre_extra* extra = nullptr;
    ~Compiled() {
        if (extra) pcre_free_study(extra);
        if (code) pcre_free(code);
    }
};

Pattern::Pattern(const std::string& expression) : compiled_(std::make_unique<Compiled>()) {
    const char* error = nullptr;
    int offset = 0;
    compiled_->code = pcre_compile(expression.c_str(), PCRE_UTF8 | PCRE_CASELESS, &error, &offset, nullptr);
    if (!compiled_->code)
        throw Error(std::string(error ? error : "invalid") + " (at offset " + std::to_string(offset) + ")");
    compiled_->extra = pcre_study(compiled_->code, 0, &error);
    if (!compiled_->extra) { // nothing to learn from studying this pattern: the limits need a block
        compiled_->extra = static_cast<pcre_extra*>(pcre_malloc(sizeof(pcre_extra)));
        if (!compiled_->extra) throw Error("out of memory compiling a pattern");
        std::memset(compiled_->extra, 0, sizeof(pcre_extra));
    }
    compiled_->extra->flags |= PCRE_EXTRA_MATCH_LIMIT | PCRE_EXTRA_MATCH_LIMIT_RECURSION;
    compiled_->extra->match_limit = kMatchLimit;
    // Recursion uses the thread's stack (some hundred bytes a level): bounded well inside any
    // thread's, and far above what a 64-character description needs.
    compiled_->extra->match_limit_recursion = kRecursionLimit;
}

Pattern::~Pattern() = default;

Pattern::Result Pattern::search(std::string_view text) const {
    int vector[30];
    // Text that is not valid UTF-8 (PCRE_ERROR_BADUTF8) matches nothing.
    const int rc =
        pcre_exec(compiled_->code, compiled_->extra, text.data(), static_cast<int>(text.size()), 0, 0, vector, 30);
    if (rc >= 0) return Result::Match;
    if (rc == PCRE_ERROR_MATCHLIMIT || rc == PCRE_ERROR_RECURSIONLIMIT) return Result::TooComplex;
    return Result::NoMatch;
}

const std::vector<std::string>& Pattern::probes() {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> out;
        for (const std::string unit : {"a", "1", " ", "-", ".", "\xE6\x9C\xAF" /* 术 */, "ab", "a1"}) {
            std::string run;
            for (int i = 0; i < 48 / static_cast<int>(unit.size() > 2 ? 1 : unit.size()); ++i) run += unit;
            out.push_back(run + "!");
            out.push_back(run);
        }
        return out;
    }();
    return texts;
}

} // namespace fa::rules
