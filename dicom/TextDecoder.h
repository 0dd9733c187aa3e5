// Turns DICOM text in the object's character set into UTF-8. Conversion failures never stop
// extraction: the text is kept with unconvertible bytes replaced, and a warning is recorded.
#pragma once

#include "core/Warning.h"

#include <memory>
#include <string>
#include <string_view>

class DcmSpecificCharacterSet;

namespace fa::dicom {
class Iso2022Decoder;
}

namespace fa::dicom {

class TextDecoder {
public:
    // `specificCharacterSet`: the value of (0008,0005), or the configured default when it is empty.
    TextDecoder(const std::string& specificCharacterSet, WarningList& warnings);
    ~TextDecoder();
    TextDecoder(const TextDecoder&) = delete;
    TextDecoder& operator=(const TextDecoder&) = delete;

    // A person name (PN): in ISO 2022 code extensions, "^" and "=" also end what an escape sequence
    // began, so that its components and groups (alphabetic, ideographic, phonetic) stay apart.
    std::string decodeName(std::string_view raw);
    std::string decode(std::string_view raw, bool personName = false);
    const std::string& characterSet() const { return charset_; }

private:
    std::string fallback(std::string_view raw, const Text& why);

    std::string charset_;
    WarningList& warnings_;
    std::unique_ptr<DcmSpecificCharacterSet> converter_; // null: UTF-8 or ASCII, ISO 2022, or unusable
    std::unique_ptr<Iso2022Decoder> extensions_;         // code extensions (ISO 2022 IR nnn)
    bool unusable_ = false;
    std::string unusableReason_;
};

} // namespace fa::dicom
