// Turns DICOM text in the object's character set into UTF-8. Conversion failures never stop
// extraction: the text is kept with unconvertible bytes replaced, and a warning is recorded.
#pragma once

#include "core/Warning.h"

#include <memory>
#include <string>
#include <string_view>

class DcmSpecificCharacterSet;

namespace fa::dicom {

class TextDecoder {
public:
    // `specificCharacterSet`: the value of (0008,0005), or the configured default when it is empty.
    TextDecoder(const std::string& specificCharacterSet, WarningList& warnings);
    ~TextDecoder();
    TextDecoder(const TextDecoder&) = delete;
    TextDecoder& operator=(const TextDecoder&) = delete;

    std::string decode(std::string_view raw);
    const std::string& characterSet() const { return charset_; }

private:
    std::string fallback(std::string_view raw, const std::string& why);

    std::string charset_;
    WarningList& warnings_;
    std::unique_ptr<DcmSpecificCharacterSet> converter_; // null: UTF-8 or ASCII, or unusable
    bool unusable_ = false;
    std::string unusableReason_;
};

} // namespace fa::dicom
