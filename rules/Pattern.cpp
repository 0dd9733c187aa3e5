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

namespace {

// PCRE's compile errors that a person writing a pattern meets, by their number (pcreapi(3)), each in
// the catalog as pcre.N; the rest as pcre.other with PCRE's English words.
const int kExplained[] = {1, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 18, 20, 22, 24, 25, 26, 30, 31, 32, 44, 45, 46, 56, 57, 58, 59, 62, 65, 69};

Text patternProblem(int code, const std::string& expression, int byteOffset, const std::string& english) {
    // The position a person counts: characters, from 1.
    int position = 1;
    for (int i = 0; i < byteOffset && i < static_cast<int>(expression.size()); ++i)
        if ((static_cast<unsigned char>(expression[static_cast<std::size_t>(i)]) & 0xC0) != 0x80) ++position;
    for (int known : kExplained)
        if (known == code) return text("pcre." + std::to_string(code), {{"position", std::to_string(position)}});
    return text("pcre.other", {{"position", std::to_string(position)}, {"code", std::to_string(code)}, {"reason", english}});
}

} // namespace

Pattern::Pattern(const std::string& expression) : compiled_(std::make_unique<Compiled>()) {
    const char* error = nullptr;
    int offset = 0, code = 0;
    compiled_->code = pcre_compile2(expression.c_str(), PCRE_UTF8 | PCRE_CASELESS, &code, &error, &offset, nullptr);
    if (!compiled_->code) {
        const std::string message = std::string(error ? error : "invalid") + " (at offset " + std::to_string(offset) + ")";
        throw Invalid(message, patternProblem(code, expression, offset, error ? error : ""));
    }
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
