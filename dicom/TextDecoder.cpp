#include "dicom/TextDecoder.h"

#include "core/Utf8.h"
#include "dicom/Iso2022Decoder.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcspchrs.h"

#include <algorithm>

namespace fa::dicom {

namespace {

bool isPlainAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x80 && u != 0x1B; // ESC starts an ISO 2022 escape sequence
    });
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Control characters (ISO 2022 escapes) left in unconverted text would garble a terminal.
std::string withoutControls(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r')
            out += "\xEF\xBF\xBD";
        else
            out.push_back(c);
    }
    return out;
}

} // namespace

TextDecoder::TextDecoder(const std::string& specificCharacterSet, WarningList& warnings)
    : charset_(trim(specificCharacterSet)), warnings_(warnings) {
    if (charset_.empty() || charset_ == "ISO_IR 6" || charset_ == "ISO_IR 192") return;
    if (Iso2022Decoder::applies(charset_)) {
        extensions_ = std::make_unique<Iso2022Decoder>(charset_);
        return;
    }
    converter_ = std::make_unique<DcmSpecificCharacterSet>();
    const OFCondition cond = converter_->selectCharacterSet(charset_.c_str());
    if (cond.bad()) {
        unusable_ = true;
        unusableReason_ = cond.text();
        converter_.reset();
    }
}

TextDecoder::~TextDecoder() = default;

std::string TextDecoder::fallback(std::string_view raw, const Text& why) {
    warnings_.add("charset", why);
    return withoutControls(sanitiseUtf8(raw));
}

std::string TextDecoder::decodeName(std::string_view raw) { return decode(raw, true); }

std::string TextDecoder::decode(std::string_view raw, bool personName) {
    if (isPlainAscii(raw)) return std::string(raw);
    if (extensions_) {
        Text problem;
        std::string out = extensions_->decode(raw, personName, problem);
        if (!problem.id.empty())
            warnings_.add("charset", fa::text("warn.charsetBytes", {{"charset", charset_}}).with("problem", problem));
        return out;
    }
    if (unusable_)
        return fallback(raw, fa::text("warn.charsetUnusable", {{"charset", charset_}, {"reason", unusableReason_}}));
    if (!converter_) {
        if (isValidUtf8(raw)) return std::string(raw);
        if (charset_.empty())
            return fallback(raw, fa::text("warn.charsetMissing"));
        return fallback(raw, fa::text("warn.notUtf8", {{"charset", charset_}}));
    }
    OFString out;
    const OFCondition cond = converter_->convertString(raw.data(), raw.size(), out);
    if (cond.bad())
        return fallback(raw, fa::text("warn.charsetInvalid", {{"charset", charset_}, {"reason", cond.text()}}));
    return std::string(out.c_str(), out.length());
}

} // namespace fa::dicom
