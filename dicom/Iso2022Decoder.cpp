#include "dicom/Iso2022Decoder.h"

#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace fa::dicom {

namespace {

constexpr char kEsc = 0x1B;
constexpr const char* kReplacement = "\xEF\xBF\xBD";
constexpr const char* kKatakana = "KATAKANA";

// The G1 set a Specific Character Set term or an escape sequence ("-A", "$)C", ...) designates.
struct G1Set {
    const char* term;   // "ISO 2022 IR 100"
    const char* escape; // after ESC
    const char* iconv;  // glibc's name, or kKatakana
};
const G1Set kG1Sets[] = {
    {"ISO 2022 IR 100", "-A", "ISO-8859-1"}, {"ISO 2022 IR 101", "-B", "ISO-8859-2"},
    {"ISO 2022 IR 109", "-C", "ISO-8859-3"}, {"ISO 2022 IR 110", "-D", "ISO-8859-4"},
    {"ISO 2022 IR 144", "-L", "ISO-8859-5"}, {"ISO 2022 IR 127", "-G", "ISO-8859-6"},
    {"ISO 2022 IR 126", "-F", "ISO-8859-7"}, {"ISO 2022 IR 138", "-H", "ISO-8859-8"},
    {"ISO 2022 IR 148", "-M", "ISO-8859-9"}, {"ISO 2022 IR 203", "-b", "ISO-8859-15"},
    {"ISO 2022 IR 166", "-T", "TIS-620"},    {"ISO 2022 IR 13", ")I", kKatakana},
    {"ISO 2022 IR 149", "$)C", "EUC-KR"},    {"ISO 2022 IR 58", "$)A", "EUC-CN"},
};

std::string trimmed(std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

std::string hex(unsigned char c) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02X", c);
    return b;
}

// `bytes` in `from` as UTF-8; bytes iconv cannot convert become U+FFFD (counted in `bad`).
std::string viaIconv(const char* from, const std::string& bytes, int& bad) {
    std::string out;
    iconv_t cd = ::iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        bad += static_cast<int>(bytes.size());
        for (std::size_t i = 0; i < bytes.size(); ++i) out += kReplacement;
        return out;
    }
    char* in = const_cast<char*>(bytes.data());
    std::size_t left = bytes.size();
    char buffer[1024];
    while (left > 0) {
        char* o = buffer;
        std::size_t room = sizeof buffer;
        const std::size_t rc = ::iconv(cd, &in, &left, &o, &room);
        out.append(buffer, static_cast<std::size_t>(o - buffer));
        if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) { // EILSEQ or EINVAL: skip one byte
            out += kReplacement;
            ++bad;
            ++in;
            --left;
            ::iconv(cd, nullptr, nullptr, nullptr, nullptr);
        }
    }
    ::iconv_close(cd);
    return out;
}

} // namespace

bool Iso2022Decoder::applies(const std::string& specificCharacterSet) {
    return specificCharacterSet.find("ISO 2022") != std::string::npos;
}

Iso2022Decoder::Iso2022Decoder(const std::string& specificCharacterSet) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = specificCharacterSet.find('\\', start);
        declared_.push_back(trimmed(specificCharacterSet.substr(start, end == std::string::npos ? end : end - start)));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    // The first value is active at the start of every value (empty or IR 6: ASCII only).
    std::string first = declared_.front();
    if (first.rfind("ISO_IR ", 0) == 0) first = "ISO 2022 IR " + first.substr(7);
    if (first == "ISO 2022 IR 13") initial_.g0 = G0::JisRoman;
    for (const auto& set : kG1Sets)
        if (first == set.term) initial_.g1 = set.iconv;
}

std::string Iso2022Decoder::decode(std::string_view raw, bool personName, Text& problem) const {
    std::string out;
    State state = initial_;
    std::string pending; // bytes for `pendingSet`, converted together
    std::string pendingSet;
    int bad = 0;
    auto flush = [&] {
        if (!pending.empty()) out += viaIconv(pendingSet.c_str(), pending, bad);
        pending.clear();
    };
    auto add = [&](const std::string& set, std::string bytes) {
        if (set != pendingSet) flush();
        pendingSet = set;
        pending += bytes;
    };
    auto unknown = [&](unsigned char c, std::size_t at) {
        flush();
        out += kReplacement;
        if (problem.id.empty())
            problem = fa::text("warn.charsetByteAt", {{"byte", hex(c)}, {"position", std::to_string(at + 1)}});
    };
    for (std::size_t i = 0; i < raw.size();) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c == static_cast<unsigned char>(kEsc)) {
            const std::string_view rest = raw.substr(i + 1);
            auto starts = [&](const char* s) { return rest.substr(0, std::strlen(s)) == s; };
            std::size_t length = 0;
            if (starts("(B")) state.g0 = G0::Ascii, length = 2;
            else if (starts("(J")) state.g0 = G0::JisRoman, length = 2;
            else if (starts("$B") || starts("$@")) state.g0 = G0::Jis0208, length = 2;
            else if (starts("$(D")) state.g0 = G0::Jis0212, length = 3;
            else
                for (const auto& set : kG1Sets)
                    if (starts(set.escape)) {
                        state.g1 = set.iconv;
                        length = std::strlen(set.escape);
                        break;
                    }
            if (length == 0) {
                unknown(c, i);
                ++i;
            } else {
                i += 1 + length;
            }
            continue;
        }
        const bool twoByteG0 = state.g0 == G0::Jis0208 || state.g0 == G0::Jis0212;
        if (c >= 0x80) { // G1, in GR
            if (state.g1.empty()) {
                unknown(c, i);
                ++i;
            } else if (state.g1 == kKatakana) {
                add("EUC-JP", std::string{'\x8E', static_cast<char>(c)});
                ++i;
            } else if (state.g1 == "EUC-KR" || state.g1 == "EUC-CN") {
                const std::size_t n = i + 1 < raw.size() ? 2 : 1;
                add(state.g1, std::string(raw.substr(i, n)));
                i += n;
            } else {
                add(state.g1, std::string(1, static_cast<char>(c)));
                ++i;
            }
            continue;
        }
        if (twoByteG0 && c > 0x20 && c < 0x7F) { // a character of JIS X 0208 / 0212 in G0, as its EUC-JP bytes
            const auto second = i + 1 < raw.size() ? static_cast<unsigned char>(raw[i + 1]) : 0;
            std::string euc = state.g0 == G0::Jis0212 ? std::string(1, '\x8F') : std::string();
            euc += static_cast<char>(c | 0x80);
            euc += static_cast<char>(second | 0x80);
            add("EUC-JP", euc);
            i += 2;
            continue;
        }
        flush();
        out += static_cast<char>(c);
        ++i;
        // Delimiters and line ends bring the first value's sets back (PS3.5 6.1.2.5.3).
        const bool reset = c == '\\' || c == '\r' || c == '\n' || c == '\f' || c == '\t' ||
                           (personName && (c == '^' || c == '='));
        if (reset && !twoByteG0) state = initial_;
    }
    flush();
    if (bad > 0 && problem.id.empty()) problem = fa::text("warn.charsetBadBytes", {{"count", std::to_string(bad)}});
    return out;
}

} // namespace fa::dicom
