#include "core/Text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace fa {
namespace {

std::set<std::string> placeholders(const std::string& s) {
    std::set<std::string> names;
    static const std::regex mark("\\{([a-z]+)\\}");
    for (auto it = std::sregex_iterator(s.begin(), s.end(), mark); it != std::sregex_iterator(); ++it)
        names.insert((*it)[1]);
    return names;
}

TEST(Text, EveryMessageHasBothLanguagesWithTheSameValues) {
    std::set<std::string> ids;
    for (const auto& e : catalog()) {
        EXPECT_TRUE(ids.insert(e.id).second) << e.id << " twice";
        EXPECT_FALSE(std::string(e.english).empty()) << e.id;
        EXPECT_FALSE(std::string(e.chinese).empty()) << e.id;
        EXPECT_EQ(placeholders(e.english), placeholders(e.chinese)) << e.id;
    }
    EXPECT_GT(ids.size(), 60u);
}

// Every text("id") in the sources names a message of the catalog.
TEST(Text, EveryIdTheSourcesUseIsInTheCatalog) {
    std::set<std::string> ids;
    for (const auto& e : catalog()) ids.insert(e.id);
    static const std::regex use("\\btext\\(\"([A-Za-z]+\\.[A-Za-z]+)\"");
    int uses = 0;
    for (const char* folder : {"core", "dicom", "store", "rules", "screen", "api", "cli", "pipeline", "present", "audit"})
        for (const auto& f : std::filesystem::recursive_directory_iterator(std::string(FA_SOURCE_DIR) + "/" + folder)) {
            if (f.path().extension() != ".cpp") continue;
            std::ifstream in(f.path());
            std::stringstream ss;
            ss << in.rdbuf();
            const std::string source = ss.str();
            for (auto it = std::sregex_iterator(source.begin(), source.end(), use); it != std::sregex_iterator(); ++it) {
                ++uses;
                EXPECT_TRUE(ids.count((*it)[1])) << f.path() << " uses " << (*it)[1] << ", missing from the catalog";
            }
        }
    EXPECT_GT(uses, 50);
}

TEST(Text, RendersValuesTermsAndSentencesInTheReadersLanguage) {
    const Text t = text("review.needsComment", {{"state", term("state.justified")}});
    EXPECT_EQ(t.in(Language::English), "a comment is needed to mark a flag justified");
    EXPECT_EQ(t.in(Language::Chinese), "将标记设为“合理”需要填写说明");
    const Text line = text("table.atColumn", {{"line", "4"}, {"column", "dap_gycm2"}})
                          .with("reason", text("table.negative", {{"value", "-2"}}));
    EXPECT_EQ(line.english(), "line 4, column dap_gycm2: '-2' is negative");
    EXPECT_EQ(line.in(Language::Chinese), "第 4 行，“dap_gycm2”列：“-2”是负数");
    // A value is put in as it is, even when it looks like a placeholder.
    EXPECT_EQ(text("study.unknown", {{"uid", "{uid}"}}).english(), "no study {uid}");
    EXPECT_EQ(text("no.suchId", {{"a", "1"}}).english(), "no.suchId a=1");
}

TEST(Text, TheLanguageComesFromAcceptLanguageSettingsOrLocales) {
    EXPECT_EQ(languageOf("zh-CN,zh;q=0.9,en;q=0.8"), Language::Chinese);
    EXPECT_EQ(languageOf("en-GB,en;q=0.9,zh;q=0.8"), Language::English);
    EXPECT_EQ(languageOf("fr-FR, zh-Hans;q=0.5"), Language::Chinese);
    EXPECT_EQ(languageOf("ZH"), Language::Chinese);
    EXPECT_EQ(languageOf("zh_CN.UTF-8"), Language::Chinese);
    EXPECT_EQ(languageOf(""), Language::English);
    EXPECT_EQ(languageOf("de"), Language::English);
    EXPECT_STREQ(languageCode(Language::Chinese), "zh");
}


// A sentence cut into its words and its values (what a page marks as data): terms are words, a
// sentence put in gives its own pieces, "{}" of a quantifier stays a word.
TEST(Text, PiecesMarkTheValuesPutIntoASentence) {
    const Text review = text("trail.reviewComment", {{"uid", "1.2.3"},
                                                     {"kind", term("kind.above-reference")},
                                                     {"metric", term("metric.shots")},
                                                     {"state", term("state.justified")},
                                                     {"comment", "obese patient"}});
    auto joined = [](const std::vector<Text::Piece>& pieces) {
        std::string s;
        for (const auto& p : pieces) s += p.data ? "[" + p.text + "]" : p.text;
        return s;
    };
    EXPECT_EQ(joined(review.pieces(Language::English)), "[1.2.3] shots above reference level: justified — [obese patient]");
    EXPECT_EQ(joined(review.pieces(Language::Chinese)), "[1.2.3] 曝光次数超过参考水平：合理 — [obese patient]");
    const Text version = text("trail.version", {{"version", "2"}}).with("source", text("source.upload", {{"file", "a.csv"}, {"user", "qm"}}));
    EXPECT_EQ(joined(version.pieces(Language::Chinese)), "第 [2] 版（由 [qm] 上传 [a.csv]）");
    EXPECT_EQ(joined(text("pcre.4", {{"position", "3"}}).pieces(Language::English)),
              "numbers out of order in a {} quantifier (at character [3])");
    EXPECT_EQ(joined(text("no.such.id", {{"x", "1"}}).pieces(Language::English)), "[no.such.id x=1]");
}

} // namespace
} // namespace fa
