// ISO 2022 code extensions as PS3.5 writes them (its annexes H, I and K give the examples used
// here): escape sequences inside values, the first value's set active again after "\", line ends
// and, in person names, "^" and "=".
#include "dicom/Iso2022Decoder.h"
#include "dicom/TextDecoder.h"

#include <gtest/gtest.h>

namespace fa {
namespace {

struct Case {
    const char* name;
    const char* characterSet;
    std::string raw;
    bool personName;
    std::string decoded;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Iso2022 : public ::testing::TestWithParam<Case> {};

TEST_P(Iso2022, DecodesAsTheStandardsExamplesRead) {
    const Case& c = GetParam();
    ASSERT_TRUE(dicom::Iso2022Decoder::applies(c.characterSet));
    Text problem;
    EXPECT_EQ(dicom::Iso2022Decoder(c.characterSet).decode(c.raw, c.personName, problem), c.decoded);
    EXPECT_EQ(problem.id, "");
}

INSTANTIATE_TEST_SUITE_P(
    PS3_5, Iso2022,
    ::testing::Values(
        Case{"Japanese_IR87_H31", "\\ISO 2022 IR 87",
             "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B", true,
             "Yamada^Tarou=山田^太郎=やまだ^たろう"},
        Case{"JapaneseKatakana_IR13_IR87_H32", "ISO 2022 IR 13\\ISO 2022 IR 87",
             "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J", true,
             "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"},
        Case{"Korean_IR149_I2", "\\ISO 2022 IR 149",
             "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf", true,
             "Hong^Gildong=洪^吉洞=홍^길동"},
        Case{"ChineseGB2312_IR58_K", "\\ISO 2022 IR 58", "Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=", true,
             "Zhang^XiaoDong=张^小东="},
        Case{"JapaneseSupplementary_IR159", "\\ISO 2022 IR 159", "\x1b$(D\x30\x21\x1b(B", false, "丂"},
        Case{"Latin1Designated_IR100", "ISO 2022 IR 6\\ISO 2022 IR 100", "Caf\x1b-A\xe9", false, "Café"},
        // Each value starts in the first value's sets: Latin-1 in G1 again after a value that
        // switched G1 to Greek.
        Case{"ResetAtBackslash", "ISO 2022 IR 100\\ISO 2022 IR 126", "\x1b-F\xe1\\\xe9", false, "α\\é"},
        Case{"TextLinesAreResetToo", "\\ISO 2022 IR 149", "\x1b$)C\xc8\xab\r\nOK", false, "홍\r\nOK"}));

TEST(Iso2022, ABytesInNoDeclaredSetIsReplacedAndSaidWhere) {
    Text problem;
    EXPECT_EQ(dicom::Iso2022Decoder("\\ISO 2022 IR 87").decode("Caf\xe9", false, problem), "Caf\xEF\xBF\xBD");
    EXPECT_EQ(problem.english(), "byte 0xE9 at position 4 is in no character set it declares");
    EXPECT_EQ(problem.in(Language::Chinese), "位置 4 的字节 0xE9 不属于所声明的任何字符集");
}

TEST(Iso2022, OnlyCodeExtensionsAreDecodedHere) {
    EXPECT_FALSE(dicom::Iso2022Decoder::applies("ISO_IR 100"));
    EXPECT_FALSE(dicom::Iso2022Decoder::applies("GB18030"));
    EXPECT_TRUE(dicom::Iso2022Decoder::applies("ISO 2022 IR 6\\ISO 2022 IR 58"));
}

// Through the decoder every extractor uses: a person name keeps its groups, a warning says what
// could not be read.
TEST(Iso2022, TheTextDecoderUsesItForNamesAndText) {
    WarningList warnings;
    dicom::TextDecoder text("\\ISO 2022 IR 87", warnings);
    EXPECT_EQ(text.decodeName("Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B"), "Yamada^Tarou=山田^太郎");
    EXPECT_EQ(text.decode("\x1b$B$d$^$@\x1b(B"), "やまだ");
    EXPECT_TRUE(warnings.items().empty());
    EXPECT_EQ(text.decode("x\xe9"), "x\xEF\xBF\xBD");
    ASSERT_EQ(warnings.items().size(), 1u);
    EXPECT_EQ(warnings.items().front().code, "charset");
}

} // namespace
} // namespace fa
