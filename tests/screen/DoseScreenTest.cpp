// Dose screens read by OCR: the reading rules on lines given by hand, then a screen rendered here
// (ImageMagick with Debian's Noto CJK fonts) read by Tesseract.
#include "screen/DoseScreen.h"

#include "core/Error.h"

#include "tests/support/Run.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace fa {
namespace {

using screen::Field;

std::vector<screen::ScreenTemplate> templates() {
    return screen::loadTemplates(std::string(FA_SOURCE_DIR) + "/deploy/dose-screens");
}

// A page of lines, each word with a confidence.
screen::OcrPage pageOf(const std::vector<std::string>& lines, float confidence = 95) {
    screen::OcrPage page;
    int y = 0;
    for (const auto& text : lines) {
        screen::Line line;
        std::istringstream words(text);
        int x = 0;
        for (std::string w; words >> w;) {
            line.words.push_back({w, confidence, {x, y, 10 * static_cast<int>(w.size()), 20}, {}});
            line.text += (line.text.empty() ? "" : " ") + w;
            x += 12 * static_cast<int>(w.size());
        }
        line.box = {0, y, x, 20};
        page.lines.push_back(line);
        y += 30;
    }
    return page;
}

const screen::ScreenValue* find(const std::vector<screen::ScreenValue>& values, Field f) {
    for (const auto& v : values)
        if (v.field == f) return &v;
    return nullptr;
}

TEST(DoseScreen, CleanReadingsInEnglishAndChineseAreTakenInTheStoredUnits) {
    const auto values = screen::readDoseScreen(
        pageOf({"Exposure Summary 曝光 汇总", "DAP: 12.34 Gy·cm²", "Air Kerma: 56.7 mGy", "透视 时间 ： 3分25秒",
                "曝光 次数 ： 42", "Acquisition Time: 00:12"}),
        templates());
    ASSERT_EQ(values.size(), 5u);
    const auto* dap = find(values, Field::Dap);
    ASSERT_TRUE(dap && dap->value);
    EXPECT_FALSE(dap->needsConfirmation) << dap->why.english();
    EXPECT_DOUBLE_EQ(*dap->value, 12.34e-4); // Gy.m2
    EXPECT_EQ(dap->written, "12.34 Gy·cm²");
    EXPECT_DOUBLE_EQ(*find(values, Field::KermaRp)->value, 0.0567);
    EXPECT_DOUBLE_EQ(*find(values, Field::FluoroTime)->value, 205);
    EXPECT_DOUBLE_EQ(*find(values, Field::Exposures)->value, 42);
    EXPECT_DOUBLE_EQ(*find(values, Field::AcquisitionTime)->value, 12);
    for (const auto& v : values) EXPECT_FALSE(v.needsConfirmation) << screen::fieldName(v.field) << ": " << v.why.english();
}

TEST(DoseScreen, TimesAndUnitsAsScreensWriteThem) {
    struct Case {
        const char* line;
        Field field;
        double value;
    } cases[] = {
        {"Fluoro Time 1:02:03", Field::FluoroTime, 3723},   {"Fluoro Time: 3 min 25 s", Field::FluoroTime, 205},
        {"Fluoro Time: 205 s", Field::FluoroTime, 205},     {"Fluoro Time: 3.5 min", Field::FluoroTime, 210},
        {"透视时间 12秒", Field::FluoroTime, 12},           {"总透视时间：2分钟5秒", Field::FluoroTime, 125},
        {"DAP 345 mGy·cm²", Field::Dap, 345e-7},            {"KAP: 2,5 µGy·m²", Field::Dap, 2.5e-6},
        {"剂量面积乘积：8.1 dGy·cm²", Field::Dap, 8.1e-5},  {"DFP 120 cGycm2", Field::Dap, 120e-6},
        {"Ka,r 1.2 Gy", Field::KermaRp, 1.2},               {"参考点空气比释动能 870 mGy", Field::KermaRp, 0.87},
        {"Aufnahmen: 7", Field::Exposures, 7},
    };
    for (const auto& c : cases) {
        const auto values = screen::readDoseScreen(pageOf({c.line}), templates());
        ASSERT_EQ(values.size(), 1u) << c.line;
        ASSERT_TRUE(values[0].value) << c.line << ": " << values[0].why.english();
        EXPECT_EQ(values[0].field, c.field) << c.line;
        EXPECT_NEAR(*values[0].value, c.value, 1e-9 * c.value) << c.line;
        EXPECT_FALSE(values[0].needsConfirmation) << c.line << ": " << values[0].why.english();
    }
}

// What OCR gets wrong is kept for a person to confirm, with why; never taken as a value.
TEST(DoseScreen, AnUnclearReadingIsKeptForConfirmationNeverTaken) {
    struct Case {
        const char* line;
        const char* why;
    } cases[] = {
        {"DAP: 12.34 Gv·cm²", "the unit of '12.34Gv·cm²' is not one fluoroaudit knows"},
        {"DAP: 12.34 wGy·m²", "the unit of '12.34wGy·m²' is not one fluoroaudit knows"},
        {"透视时间：35725%Y", "the unit of '35725%Y' is not one fluoroaudit knows"},
        {"Air Kerma: 1,234 mGy", "'1,234mGy': a comma before three digits may be a thousands separator"},
        {"Exposures: 4.2", "'4.2' is no whole count"},
        {"Fluoro Time: 3:75", "'3:75' is no time (minutes and seconds up to 59)"},
        {"DAP: 12.34 Gy·cm² %", "'12.34Gy·cm²%' has more after the value than a unit"},
        {"Air Kerma: 0 mGy", "'0mGy' is not a possible value"},
    };
    for (const auto& c : cases) {
        const auto values = screen::readDoseScreen(pageOf({c.line}), templates());
        ASSERT_EQ(values.size(), 1u) << c.line;
        EXPECT_TRUE(values[0].needsConfirmation) << c.line;
        EXPECT_EQ(values[0].why.english(), c.why) << c.line;
    }
    const auto low = screen::readDoseScreen(pageOf({"DAP: 12.34 Gy·cm²"}, 60), templates());
    ASSERT_EQ(low.size(), 1u);
    EXPECT_TRUE(low[0].needsConfirmation);
    EXPECT_EQ(low[0].why.english(), "read with confidence 60 of 100 ('12.34Gy·cm²')");
    EXPECT_EQ(low[0].why.in(Language::Chinese), "识别置信度仅 60/100（“12.34Gy·cm²”）");
    // Two readings of one figure that disagree: both to confirm.
    const auto two = screen::readDoseScreen(pageOf({"DAP: 12.34 Gy·cm²", "Total DAP 12.84 Gy·cm²"}), templates());
    ASSERT_EQ(two.size(), 2u);
    EXPECT_TRUE(two[0].needsConfirmation && two[1].needsConfirmation);
    // The same figure twice: one reading.
    EXPECT_EQ(screen::readDoseScreen(pageOf({"DAP: 12.34 Gy·cm²", "Total DAP 12.34 Gy·cm²"}), templates()).size(), 1u);
}

TEST(DoseScreen, AScreenWithoutDoseTextGivesNothing) {
    EXPECT_TRUE(screen::readDoseScreen(pageOf({"Exposure Summary", "Patient: Zhang Wei 1965", "Series 3 of 12", "曝光 汇总",
                                               "Press OK to continue"}),
                                       templates())
                    .empty());
}

TEST(DoseScreen, TemplatesAreCheckedWithTheFileNamed) {
    EXPECT_THROW(screen::parseTemplate("{\"fields\": {\"dap\": [\"DAP\"], \"colour\": [\"x\"]}}", "x.json"), Error);
    try {
        screen::parseTemplate("{\"fields\": {\"colour\": [\"x\"]}}", "/etc/fluoroaudit/dose-screens/x.json");
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/etc/fluoroaudit/dose-screens/x.json: unknown field \"colour\" (dap, kar, fluoro_time, exposures, acquisition_time)");
    }
    EXPECT_THROW(screen::parseTemplate("not json", "y.json"), Error);
    EXPECT_EQ(templates().at(0).name, "generic");
}

// -- a rendered screen ---------------------------------------------------------------------------
// (200 rendered screens and their figures: bench/ScreenBench.cpp, `fa_screen_bench`.)

bool haveTools() {
    return test::run("command -v convert").exitCode == 0 &&
           std::filesystem::exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
}

TEST(DoseScreenOcr, AScreenWithNoDoseTextGivesNoValueAndNoWarning) {
    if (!haveTools()) GTEST_SKIP() << "ImageMagick (convert) and fonts-noto-cjk are needed to render screens";
    test::TempDir dir;
    const std::string file = dir.file("plain.png");
    ASSERT_EQ(test::run("convert -size 1024x768 xc:'#101418' -font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc "
                        "-pointsize 28 -fill '#e8e8e8' -annotate +60+100 'Series 3 of 12   序列 3/12' "
                        "-annotate +60+180 'Patient position: supine  仰卧' -annotate +60+260 'Press OK to continue' " +
                        file)
                  .exitCode,
              0);
    screen::Ocr ocr;
    const auto page = ocr.read(screen::readImageFile(file));
    EXPECT_FALSE(page.lines.empty()) << "the text is read";
    EXPECT_TRUE(screen::readDoseScreen(page, templates()).empty());
}

} // namespace
} // namespace fa
