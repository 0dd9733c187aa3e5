// Text of a screen image by Tesseract 5 (Debian's libtesseract, English and Simplified Chinese
// models), after the image work screens need (Leptonica): light text on dark turned dark on light,
// small text scaled up to the size Tesseract reads best, a slight rotation straightened. Each word
// keeps Tesseract's confidence and where it was.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fa::screen {

// An 8-bit grey image, rows top to bottom.
struct GrayImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels; // width * height
};

struct Box {
    int x = 0, y = 0, width = 0, height = 0; // in the image given (before any scaling)
};

struct Word {
    std::string text;
    float confidence = 0; // Tesseract's, 0 to 100
    Box box;
    std::vector<float> symbols; // each character's confidence, in the order of `text`'s characters
};

struct Line {
    std::string text; // the words joined by one space
    std::vector<Word> words;
    Box box;
};

struct OcrPage {
    std::vector<Line> lines;
    bool inverted = false; // the screen was light text on dark
    double scale = 1.0;    // the factor the image was scaled by
    double deskewDegrees = 0;
};

class Ocr {
public:
    // `languages` as Tesseract names its models ("eng+chi_sim"); `tessdata` "" for Debian's folder.
    // Throws fa::Error when a model is missing (the package to install is named).
    explicit Ocr(const std::string& languages = "eng+chi_sim", const std::string& tessdata = "");
    ~Ocr();
    Ocr(const Ocr&) = delete;
    Ocr& operator=(const Ocr&) = delete;

    // One image's lines. Not for two threads at once: one Ocr per thread.
    OcrPage read(const GrayImage& image);
    // One line of `image` within `box` (with a margin), read alone with its text scaled to about
    // `textHeight` px (Tesseract reads 30 to 60 well).
    Line readLine(const GrayImage& image, const Box& box, int textHeight = 48);

private:
    struct Engine;
    std::unique_ptr<Engine> engine_;
};

// A PNG, JPEG, TIFF or BMP file (a photo of a console's history page) as grey, by Leptonica.
// Throws fa::Error naming the file when it cannot be read.
GrayImage readImageFile(const std::string& path);
// The same from bytes in memory (an upload).
GrayImage readImageBytes(const std::string& bytes, const std::string& nameForErrors);

} // namespace fa::screen
