// DICOM text in ISO 2022 code extensions (PS3.5 6.1.2.5; Specific Character Set values
// "ISO 2022 IR nnn"): escape sequences inside a value switch G0 (ASCII, JIS X 0201 Romaji, JIS X
// 0208 of IR 87, JIS X 0212 of IR 159) and G1 (JIS X 0201 Katakana, KS X 1001 of IR 149, GB 2312 of
// IR 58, the ISO 8859 parts); the first value's set is active again after each "\" delimiter and
// line end, and in person names after "^" and "=" too. DCMTK hands the whole value to iconv, which
// has no DICOM flavour of ISO 2022 (Japanese fails to open at all): the value is cut here at each
// escape sequence and each piece decoded by glibc's iconv from its EUC form.
#pragma once

#include "core/Text.h"

#include <string>
#include <string_view>
#include <vector>

namespace fa::dicom {

class Iso2022Decoder {
public:
    // Whether `specificCharacterSet` (the attribute's whole value) uses code extensions.
    static bool applies(const std::string& specificCharacterSet);

    explicit Iso2022Decoder(const std::string& specificCharacterSet);

    // `raw` in UTF-8. A byte that no declared set gives a meaning becomes U+FFFD, and `problem`
    // then says which and where (it is left as it was otherwise).
    std::string decode(std::string_view raw, bool personName, Text& problem) const;

private:
    enum class G0 { Ascii, JisRoman, Jis0208, Jis0212 };
    struct State {
        G0 g0 = G0::Ascii;
        std::string g1; // iconv's name of the set in G1 ("" none; "KATAKANA" JIS X 0201 Katakana)
    };
    State initial_;
    std::vector<std::string> declared_; // the terms of Specific Character Set
};

} // namespace fa::dicom
