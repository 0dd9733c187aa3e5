#include "screen/DoseScreen.h"

#include "core/Error.h"
#include "core/Units.h"
#include "core/ValueBounds.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fa::screen {

namespace {

const struct {
    Field field;
    const char* name;
} kFields[] = {{Field::Dap, "dap"},
               {Field::KermaRp, "kar"},
               {Field::FluoroTime, "fluoro_time"},
               {Field::Exposures, "exposures"},
               {Field::AcquisitionTime, "acquisition_time"}};

// A line's text as it is compared: no spaces (OCR puts them between Chinese characters), full-width
// colon, dot and digits as ASCII; `lower` also in lower case. `at` maps each byte back to the line.
struct Folded {
    std::string plain, lower;
    std::vector<std::size_t> at;
};

Folded fold(const std::string& s) {
    Folded f;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t') {
            // Between two digits a space parts two numbers ("2514 9" is not 25149): kept as '_'.
            std::size_t next = i;
            while (next < s.size() && (s[next] == ' ' || s[next] == '\t')) ++next;
            if (!f.plain.empty() && std::isdigit(static_cast<unsigned char>(f.plain.back())) && next < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[next]))) {
                f.plain += '_';
                f.lower += '_';
                f.at.push_back(i);
            }
            i = next;
            continue;
        }
        // U+FF1A FULLWIDTH COLON, U+FF0E FULLWIDTH FULL STOP, U+FF10..FF19 FULLWIDTH DIGITS
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
            const auto d = static_cast<unsigned char>(s[i + 2]);
            char ascii = 0;
            if (d == 0x9A) ascii = ':';
            else if (d == 0x8E) ascii = '.';
            else if (d >= 0x90 && d <= 0x99) ascii = static_cast<char>('0' + (d - 0x90));
            if (ascii) {
                f.plain += ascii;
                f.lower += ascii;
                f.at.push_back(i);
                i += 3;
                continue;
            }
        }
        f.plain += static_cast<char>(c);
        f.lower += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
        f.at.push_back(i);
        ++i;
    }
    return f;
}

std::string foldLabel(const std::string& label) { return fold(label).lower; }

units::Quantity quantityOf(Field f) {
    switch (f) {
    case Field::Dap: return units::Quantity::DoseAreaProduct;
    case Field::KermaRp: return units::Quantity::Dose;
    case Field::FluoroTime:
    case Field::AcquisitionTime: return units::Quantity::Time;
    case Field::Exposures: return units::Quantity::Count;
    }
    return units::Quantity::Count;
}

// A unit as OCR reads it ("Gy·cm²", "µGy·m²", "mGy") in the spelling of core/Units ("Gy.cm2").
std::string unitSpelling(std::string u) {
    auto replace = [&u](const std::string& from, const std::string& to) {
        for (std::size_t at = u.find(from); at != std::string::npos; at = u.find(from, at + to.size())) u.replace(at, from.size(), to);
    };
    replace("\xC2\xB2", "2");      // ²
    replace("\xC2\xB5", "u");      // µ MICRO SIGN
    replace("\xCE\xBC", "u");      // μ GREEK SMALL LETTER MU
    replace("\xC2\xB7", "");       // · MIDDLE DOT
    replace("\xE2\x8B\x85", "");   // ⋅ DOT OPERATOR
    replace("\xE2\x80\x9D", "2"); // ” read for ²
    for (const char* dot : {".", "*", "^", "-", ":"}) replace(dot, "");
    // An area's exponent as OCR misreads it (cm?, cm7, cm', or lost): a dose times a length is no
    // unit, so the area is the only reading. The figure itself is never guessed.
    static const std::regex dose("^([umcd]?)Gy(?:((?:c|d|m)?m)[2?7'\"]{0,2})?$");
    std::smatch m;
    if (!std::regex_match(u, m, dose)) return u;
    return m[1].str() + "Gy" + (m[2].matched ? "." + m[2].str() + "2" : "");
}

struct Parsed {
    std::optional<double> value; // stored unit
    std::size_t length = 0;      // bytes of `plain` the value and its unit took
    bool clean = false;          // number and unit both read without doubt
    std::string problem;         // a catalog id when not clean
};

std::optional<double> decimal(const std::string& s, bool& ambiguous) {
    std::string t = s;
    const auto comma = t.find(',');
    if (comma != std::string::npos) {
        // "1,234" may be a thousand: only a comma before 1, 2 or more than 3 digits is a decimal comma.
        if (t.size() - comma - 1 == 3) ambiguous = true;
        t[comma] = '.';
    }
    try {
        std::size_t used = 0;
        const double v = std::stod(t, &used);
        if (used != t.size()) return std::nullopt;
        return v;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// A time: "03:25", "1:02:03", "3 min 25 s", "3分25秒", "205 s", "3.4 min", "12秒".
Parsed parseTime(const std::string& s) {
    Parsed p;
    std::smatch m;
    static const std::regex hms(R"(^(\d{1,2}):(\d{2}):(\d{2}))");
    static const std::regex ms(R"(^(\d{1,3}):(\d{2})(?![\d:]))");
    static const std::regex minSec("^(\\d{1,3})(?:min|\xE5\x88\x86\xE9\x92\x9F|\xE5\x88\x86|')(\\d{1,2})(?:s|sec|\xE7\xA7\x92|\")?");
    static const std::regex single("^(\\d+(?:[.,]\\d+)?)(s|sec|min|h|\xE7\xA7\x92|\xE5\x88\x86\xE9\x92\x9F|\xE5\x88\x86|\xE5\xB0\x8F\xE6\x97\xB6)(?![A-Za-z])");
    auto clock = [&](double h, double mi, double se) {
        if (mi >= 60 || se >= 60) {
            p.problem = "screen.badTime";
            return;
        }
        p.value = h * 3600 + mi * 60 + se;
        p.clean = true;
    };
    if (std::regex_search(s, m, hms)) {
        clock(std::stod(m[1]), std::stod(m[2]), std::stod(m[3]));
    } else if (std::regex_search(s, m, ms)) {
        clock(0, std::stod(m[1]), std::stod(m[2]));
    } else if (std::regex_search(s, m, minSec)) {
        clock(0, std::stod(m[1]), std::stod(m[2]));
    } else if (std::regex_search(s, m, single)) {
        bool ambiguous = false;
        const auto v = decimal(m[1], ambiguous);
        const std::string unit = m[2];
        const double factor = unit == "min" || unit == "\xE5\x88\x86\xE9\x92\x9F" || unit == "\xE5\x88\x86" ? 60
                              : unit == "h" || unit == "\xE5\xB0\x8F\xE6\x97\xB6"                          ? 3600
                                                                                                             : 1;
        if (v && !ambiguous) {
            p.value = *v * factor;
            p.clean = true;
        } else {
            p.problem = ambiguous ? "screen.ambiguousComma" : "screen.notNumber";
        }
    } else {
        p.problem = std::isdigit(static_cast<unsigned char>(s.empty() ? 'x' : s[0])) ? "screen.unitUnknown" : "screen.notNumber";
        return p;
    }
    p.length = static_cast<std::size_t>(m.length(0));
    return p;
}

// A number and its unit: "12.34Gy·cm²", "56.7mGy", "42".
Parsed parseQuantity(const std::string& s, Field field) {
    Parsed p;
    static const std::regex number(R"(^(\d+(?:[.,]\d+)?))");
    std::smatch m;
    if (!std::regex_search(s, m, number)) {
        p.problem = "screen.notNumber";
        return p;
    }
    bool ambiguous = false;
    const auto v = decimal(m[1], ambiguous);
    std::size_t end = static_cast<std::size_t>(m.length(0));
    if (field == Field::Exposures) {
        p.length = end;
        if (!v || m[1].str().find_first_of(".,") != std::string::npos) {
            p.problem = "screen.notCount";
            return p;
        }
        p.value = *v;
        p.clean = true;
        return p;
    }
    // The unit: letters, µ, ·, ², dots and digits of an exponent, up to the next other character.
    std::size_t u = end;
    while (u < s.size()) {
        const auto c = static_cast<unsigned char>(s[u]);
        // Letters, digits and what OCR reads for · and ² (- : ? ' ") belong to the unit.
        if (std::isalnum(c) || c == '.' || c == '*' || c == '^' || c == '/' || c == '-' || c == ':' || c == '?' ||
            c == '\'' || c == '"') {
            ++u;
            continue;
        }
        if ((c == 0xC2 || c == 0xCE || c == 0xE2) && u + 1 < s.size()) { // µ ² · μ ⋅
            const std::string two = s.substr(u, 2);
            if (two == "\xC2\xB5" || two == "\xC2\xB2" || two == "\xC2\xB7" || two == "\xCE\xBC") {
                u += 2;
                continue;
            }
            if (s.compare(u, 3, "\xE2\x8B\x85") == 0 || s.compare(u, 3, "\xE2\x80\x9D") == 0) {
                u += 3;
                continue;
            }
        }
        break;
    }
    p.length = u;
    const std::string unit = unitSpelling(s.substr(end, u - end));
    const auto factor = unit.empty() ? std::nullopt : units::factorToStored(quantityOf(field), unit);
    if (!v) {
        p.problem = "screen.notNumber";
    } else if (ambiguous) {
        p.problem = "screen.ambiguousComma";
    } else if (!factor) {
        p.problem = "screen.unitUnknown";
    } else {
        p.value = *v * *factor;
        p.clean = true;
    }
    return p;
}

bool plausible(Field f, double v) {
    using namespace bounds;
    switch (f) {
    case Field::Dap: return v > 0 && v <= kDap_Gym2.max;
    case Field::KermaRp: return v > 0 && v <= kDose_Gy.max;
    case Field::FluoroTime:
    case Field::AcquisitionTime: return v >= 0 && v <= 24 * 3600;
    case Field::Exposures: return v >= 1 && v <= 100000;
    }
    return false;
}

struct Found {
    Field field;
    std::size_t start, end; // of the label in the folded line
};

// Every label of the templates in `f`, the longest at a place, none overlapping another.
std::vector<Found> labelsIn(const Folded& f, const std::vector<ScreenTemplate>& templates) {
    std::vector<Found> all;
    for (const auto& t : templates)
        for (const auto& fl : t.fields)
            for (const auto& label : fl.labels) {
                const std::string l = foldLabel(label);
                if (l.empty()) continue;
                for (std::size_t at = f.lower.find(l); at != std::string::npos; at = f.lower.find(l, at + 1)) {
                    // A Latin label stands as a word: "DAP" is not the end of "SDAP".
                    const bool latinStart = std::isalpha(static_cast<unsigned char>(l[0]));
                    const bool latinEnd = std::isalpha(static_cast<unsigned char>(l.back()));
                    if (latinStart && at > 0 && std::isalpha(static_cast<unsigned char>(f.lower[at - 1]))) continue;
                    if (latinEnd && at + l.size() < f.lower.size() &&
                        std::isalpha(static_cast<unsigned char>(f.lower[at + l.size()])))
                        continue;
                    all.push_back({fl.field, at, at + l.size()});
                }
            }
    std::sort(all.begin(), all.end(), [](const Found& a, const Found& b) {
        return a.start != b.start ? a.start < b.start : (a.end - a.start) > (b.end - b.start);
    });
    std::vector<Found> kept;
    for (const auto& x : all)
        if (kept.empty() || x.start >= kept.back().end) kept.push_back(x);
        else if (x.start == kept.back().start && x.end > kept.back().end) kept.back() = x;
    return kept;
}

Box unite(const Box& a, const Box& b) {
    if (a.width == 0 && a.height == 0) return b;
    const int x = std::min(a.x, b.x), y = std::min(a.y, b.y);
    const int r = std::max(a.x + a.width, b.x + b.width), bottom = std::max(a.y + a.height, b.y + b.height);
    return {x, y, r - x, bottom - y};
}

} // namespace

const char* fieldName(Field f) {
    for (const auto& x : kFields)
        if (x.field == f) return x.name;
    return "";
}

ScreenTemplate parseTemplate(const std::string& json, const std::string& source) {
    ScreenTemplate t;
    t.source = source;
    try {
        Poco::JSON::Parser parser;
        const auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        t.name = root->optValue<std::string>("name", std::filesystem::path(source).stem().string());
        const auto fields = root->getObject("fields");
        if (!fields) throw Error(source + ": no \"fields\" object (labels of dap, kar, fluoro_time, exposures, acquisition_time)");
        for (const auto& name : fields->getNames()) {
            const auto known = std::find_if(std::begin(kFields), std::end(kFields), [&](const auto& x) { return name == x.name; });
            if (known == std::end(kFields))
                throw Error(source + ": unknown field \"" + name + "\" (dap, kar, fluoro_time, exposures, acquisition_time)");
            const auto labels = fields->getArray(name);
            if (!labels) throw Error(source + ": \"" + name + "\" must be a list of labels");
            FieldLabels fl{known->field, {}};
            for (std::size_t i = 0; i < labels->size(); ++i) {
                const auto label = labels->getElement<std::string>(static_cast<unsigned>(i));
                if (foldLabel(label).empty()) throw Error(source + ": an empty label in \"" + name + "\"");
                fl.labels.push_back(label);
            }
            t.fields.push_back(std::move(fl));
        }
    } catch (const Poco::Exception& e) {
        throw Error(source + ": not a template (" + e.displayText() + ")");
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(source + ": not a template (" + std::string(e.what()) + ")");
    }
    return t;
}

std::vector<ScreenTemplate> loadTemplates(const std::string& folder) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    if (ec) throw Error("dose-screen templates: cannot read the folder " + folder + ": " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<ScreenTemplate> out;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back(parseTemplate(ss.str(), f.string()));
    }
    return out;
}

namespace {

// The value of `field` in `line` from byte `start` to `limit` of its folded text `f`; `from` is where
// its label began in the line's text (the whole of it is what a person is shown).
ScreenValue valueAt(const Line& line, const Folded& f, std::size_t start, std::size_t limit, Field field, std::size_t from,
                    const ReadOptions& options) {
    std::vector<std::size_t> wordAt; // where each word starts in the line's text (joined by one space)
    for (std::size_t i = 0, at = 0; i < line.words.size(); ++i) {
        wordAt.push_back(at);
        at += line.words[i].text.size() + 1;
    }
    while (start < limit && (f.plain[start] == ':' || f.plain[start] == '=' || f.plain[start] == '-' ||
                             f.plain[start] == ';' || f.plain[start] == '|'))
        ++start;
    const std::string rest = f.plain.substr(start, limit - start);
    const bool time = field == Field::FluoroTime || field == Field::AcquisitionTime;
    Parsed p = time ? parseTime(rest) : parseQuantity(rest, field);
    ScreenValue v;
    v.field = field;
    const std::size_t valueEnd = start + std::max<std::size_t>(p.length, 1);
    const std::size_t to = valueEnd < f.at.size() ? f.at[valueEnd - 1] + 1 : line.text.size();
    const std::size_t valueFrom = start < f.at.size() ? f.at[start] : line.text.size();
    const std::size_t restTo = limit < f.at.size() ? f.at[limit] : line.text.size();
    v.written = line.text.substr(valueFrom, to > valueFrom ? to - valueFrom : 0);
    // As sure as the least sure digit of the value (Tesseract is less sure of a Chinese unit
    // such as 分 or 秒 than of the digits around it; the unit's spelling is checked instead).
    v.confidence = 100;
    bool any = false;
    for (std::size_t i = 0; i < line.words.size(); ++i) {
        const auto& word = line.words[i];
        const std::size_t a = wordAt[i], b = a + word.text.size();
        if (b > valueFrom && a < restTo) v.rest = unite(v.rest, word.box);
        if (b <= from || a >= to) continue;
        v.box = unite(v.box, word.box);
        std::size_t character = 0;
        for (std::size_t pos = 0; pos < word.text.size(); ++character) {
            const auto c = static_cast<unsigned char>(word.text[pos]);
            const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            if (std::isdigit(c) && a + pos >= valueFrom && a + pos < to) {
                v.confidence = std::min(v.confidence, character < word.symbols.size() ? word.symbols[character] : word.confidence);
                any = true;
            }
            pos += n;
        }
    }
    if (!any) v.confidence = 0;
    v.value = p.value;
    // What is left of the value's words beyond what was read: "12.34 Gy·cm²%" is not clean.
    const std::string after = f.plain.substr(start + p.length, limit - start - p.length);
    const bool trailing = after.find_first_not_of(",;|)") != std::string::npos;
    if (!p.clean) {
        v.needsConfirmation = true;
        v.why = text(p.problem, {{"written", rest.substr(0, 40)}});
    } else if (trailing) {
        v.needsConfirmation = true;
        v.why = text("screen.trailing", {{"written", rest.substr(0, 40)}});
    } else if (!plausible(v.field, *v.value)) {
        v.needsConfirmation = true;
        v.why = text("screen.implausible", {{"written", rest.substr(0, 40)}});
    } else if (v.confidence < options.minConfidence) {
        v.needsConfirmation = true;
        char c[16];
        std::snprintf(c, sizeof c, "%.0f", v.confidence);
        v.why = text("screen.lowConfidence", {{"confidence", c}, {"written", rest.substr(0, 40)}});
    }
    v.unreadable = !p.clean || trailing;
    return v;
}

} // namespace

std::vector<ScreenValue> readDoseScreen(const OcrPage& page, const std::vector<ScreenTemplate>& templates,
                                        const ReadOptions& options) {
    std::vector<ScreenValue> out;
    for (const auto& line : page.lines) {
        const Folded f = fold(line.text);
        const auto labels = labelsIn(f, templates);
        for (std::size_t k = 0; k < labels.size(); ++k) {
            const Found& label = labels[k];
            const std::size_t limit = k + 1 < labels.size() ? labels[k + 1].start : f.plain.size();
            // A label with no figure after it (a heading such as "Exposure summary") is no reading.
            if (f.plain.substr(label.end, limit - label.end).find_first_of("0123456789") == std::string::npos) continue;
            out.push_back(valueAt(line, f, label.end, limit, label.field, f.at[label.start], options));
        }
    }
    // A field read twice: the same value once; two values both to confirm.
    std::vector<ScreenValue> merged;
    for (auto& v : out) {
        auto same = std::find_if(merged.begin(), merged.end(), [&](const ScreenValue& m) { return m.field == v.field; });
        if (same == merged.end()) {
            merged.push_back(std::move(v));
            continue;
        }
        const bool agree = same->value && v.value && std::fabs(*same->value - *v.value) <= 1e-9 * std::fabs(*v.value);
        if (agree) {
            if (!v.needsConfirmation && same->needsConfirmation) *same = std::move(v);
            continue;
        }
        for (ScreenValue* x : {&*same, &v}) {
            x->needsConfirmation = true;
            x->why = text("screen.disagree", {{"written", x->written}});
        }
        merged.push_back(std::move(v));
    }
    return merged;
}

void secondReading(std::vector<ScreenValue>& values, Ocr& ocr, const GrayImage& image) {
    for (auto& v : values) {
        if (v.needsConfirmation || v.rest.width <= 0) continue;
        // The value's words alone on their line, at another size than any reading before.
        const Line line = ocr.readLine(image, v.rest, 30);
        const Folded f = fold(line.text);
        const ScreenValue again = valueAt(line, f, 0, f.plain.size(), v.field, 0, ReadOptions{0});
        const bool agree = again.value && !again.unreadable && v.value &&
                           std::fabs(*again.value - *v.value) <= 1e-9 * std::fabs(*v.value);
        if (!agree) {
            v.needsConfirmation = true;
            v.why = text("screen.secondReading", {{"written", v.written}, {"again", line.text}});
        }
    }
}

std::vector<ScreenValue> readDoseScreen(Ocr& ocr, const GrayImage& image, const std::vector<ScreenTemplate>& templates,
                                        const ReadOptions& options) {
    auto values = readDoseScreen(ocr.read(image), templates, options);
    // A figure whose words could not be read as one (a Chinese 分 read as a digit on a crowded page)
    // is read again alone on its line, from its crop; what that gives is checked like any reading.
    for (auto& v : values) {
        if (!v.unreadable || v.rest.width <= 0) continue;
        const Line line = ocr.readLine(image, v.rest, 40);
        if (line.words.empty()) continue;
        const Folded f = fold(line.text);
        ScreenValue again = valueAt(line, f, 0, f.plain.size(), v.field, 0, options);
        if (again.unreadable || again.needsConfirmation) continue;
        again.box = unite(v.box, again.box);
        v = std::move(again);
    }
    secondReading(values, ocr, image);
    return values;
}

} // namespace fa::screen
