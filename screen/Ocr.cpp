#include "screen/Ocr.h"

#include "core/Error.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <algorithm>
#include <cmath>

namespace fa::screen {

namespace {

// Leptonica's images, freed however a function returns.
struct PixFree {
    void operator()(PIX* p) const {
        if (p) pixDestroy(&p);
    }
};
using PixPtr = std::unique_ptr<PIX, PixFree>;

PixPtr toPix(const GrayImage& image) {
    PixPtr pix(pixCreate(image.width, image.height, 8));
    if (!pix) throw Error("cannot make an image of " + std::to_string(image.width) + " x " + std::to_string(image.height));
    l_uint32* data = pixGetData(pix.get());
    const int wpl = pixGetWpl(pix.get());
    for (int y = 0; y < image.height; ++y) {
        l_uint32* row = data + static_cast<std::ptrdiff_t>(y) * wpl;
        const std::uint8_t* from = image.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width);
        for (int x = 0; x < image.width; ++x) SET_DATA_BYTE(row, x, from[x]);
    }
    return pix;
}

GrayImage fromPix(PIX* pix, const std::string& name) {
    PixPtr gray(pixConvertTo8(pix, 0));
    if (!gray) throw Error(name + ": not an image fluoroaudit can read as grey");
    GrayImage out;
    out.width = static_cast<int>(pixGetWidth(gray.get()));
    out.height = static_cast<int>(pixGetHeight(gray.get()));
    out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    const l_uint32* data = pixGetData(gray.get());
    const int wpl = pixGetWpl(gray.get());
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            out.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) + static_cast<std::size_t>(x)] =
                static_cast<std::uint8_t>(GET_DATA_BYTE(data + static_cast<std::ptrdiff_t>(y) * wpl, x));
    return out;
}

// Text on screens is mostly light on a dark background: the mean of the image says which.
bool lightOnDark(const GrayImage& image) {
    if (image.pixels.empty()) return false;
    unsigned long long sum = 0;
    for (auto p : image.pixels) sum += p;
    return sum / image.pixels.size() < 110;
}

} // namespace

struct Ocr::Engine {
    tesseract::TessBaseAPI api;
};

Ocr::Ocr(const std::string& languages, const std::string& tessdata) : engine_(std::make_unique<Engine>()) {
    setMsgSeverity(L_SEVERITY_NONE); // Leptonica's own messages go to stderr otherwise
    if (engine_->api.Init(tessdata.empty() ? nullptr : tessdata.c_str(), languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
        throw Error("Tesseract cannot load the models '" + languages +
                    "' (Debian packages tesseract-ocr-eng and tesseract-ocr-chi-sim)");
    engine_->api.SetPageSegMode(tesseract::PSM_AUTO);
    engine_->api.SetVariable("debug_file", "/dev/null");
}

Ocr::~Ocr() { engine_->api.End(); }

OcrPage Ocr::read(const GrayImage& image) {
    OcrPage page;
    if (image.width <= 0 || image.height <= 0) return page;
    PixPtr pix = toPix(image);
    page.inverted = lightOnDark(image);
    if (page.inverted) pixInvert(pix.get(), pix.get());
    // Tesseract reads text best about 30 px high; screens are written for a monitor, in text of
    // 12 to 20 px: a screen of 1024 px is read at twice its size, a larger one less.
    page.scale = std::clamp(2048.0 / std::max(image.width, image.height), 1.0, 3.0);
    if (page.scale > 1.01) {
        const auto factor = static_cast<l_float32>(page.scale);
        pix.reset(pixScaleGrayLI(pix.get(), factor, factor));
        if (!pix) throw Error("cannot scale the image");
    }
    // Up to a few degrees of rotation (a photo, a tilted screen) straightened.
    l_float32 angle = 0, confidence = 0;
    if (PixPtr binary{pixConvertTo1(pix.get(), 130)}) {
        if (pixFindSkew(binary.get(), &angle, &confidence) == 0 && confidence > 2.5f && std::fabs(angle) > 0.2f &&
            std::fabs(angle) < 5.0f) {
            if (PixPtr turned{pixRotate(pix.get(), static_cast<l_float32>(-angle * 3.14159265 / 180.0), L_ROTATE_AREA_MAP,
                                        L_BRING_IN_WHITE, 0, 0)}) {
                pix = std::move(turned);
                page.deskewDegrees = angle;
            }
        }
    }
    auto& api = engine_->api;
    api.SetImage(pix.get());
    api.SetSourceResolution(300);
    if (api.Recognize(nullptr) != 0) return page;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return page;
    const double back = 1.0 / page.scale;
    auto boxOf = [&](tesseract::PageIteratorLevel level) {
        int l = 0, t = 0, r = 0, b = 0;
        it->BoundingBox(level, &l, &t, &r, &b);
        return Box{static_cast<int>(l * back), static_cast<int>(t * back), static_cast<int>((r - l) * back),
                   static_cast<int>((b - t) * back)};
    };
    do {
        if (it->Empty(tesseract::RIL_TEXTLINE)) continue;
        Line line;
        line.box = boxOf(tesseract::RIL_TEXTLINE);
        do {
            std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
            if (!word) continue;
            Word w{word.get(), it->Confidence(tesseract::RIL_WORD), boxOf(tesseract::RIL_WORD), {}};
            // Each character's confidence: a figure is as sure as its least sure digit.
            do {
                w.symbols.push_back(it->Confidence(tesseract::RIL_SYMBOL));
            } while (!it->IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) && it->Next(tesseract::RIL_SYMBOL));
            line.text += (line.text.empty() ? "" : " ") + w.text;
            line.words.push_back(std::move(w));
        } while (!it->IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_WORD) && it->Next(tesseract::RIL_WORD));
        if (!line.words.empty()) page.lines.push_back(std::move(line));
    } while (it->Next(tesseract::RIL_WORD));
    api.Clear();
    return page;
}

namespace {

constexpr int kBorder = 24;

// `box` of `image` with a margin, dark text on light, scaled so that text is about 48 px high.
PixPtr cropForReading(const GrayImage& image, const Box& box, int& x0, int& y0, double& factor, int textHeight = 48) {
    const int margin = std::max(3, box.height / 4);
    x0 = std::max(0, box.x - margin);
    y0 = std::max(0, box.y - margin);
    const int x1 = std::min(image.width, box.x + box.width + margin), y1 = std::min(image.height, box.y + box.height + margin);
    if (x1 <= x0 || y1 <= y0) return nullptr;
    GrayImage crop;
    crop.width = x1 - x0;
    crop.height = y1 - y0;
    crop.pixels.reserve(static_cast<std::size_t>(crop.width) * static_cast<std::size_t>(crop.height));
    for (int y = y0; y < y1; ++y) {
        const auto* row = image.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width);
        crop.pixels.insert(crop.pixels.end(), row + x0, row + x1);
    }
    PixPtr pix = toPix(crop);
    // Light or dark by the edge of the crop (its background), not its mean: a crop is mostly text.
    unsigned long long edge = 0;
    for (int x = 0; x < crop.width; ++x)
        edge += crop.pixels[static_cast<std::size_t>(x)] +
                crop.pixels[static_cast<std::size_t>(crop.height - 1) * static_cast<std::size_t>(crop.width) + static_cast<std::size_t>(x)];
    if (edge / (2ULL * static_cast<unsigned long long>(crop.width)) < 110) pixInvert(pix.get(), pix.get());
    factor = std::clamp(static_cast<double>(textHeight) / std::max(1, box.height), 1.0, 6.0);
    if (factor > 1.01) {
        const auto f = static_cast<l_float32>(factor);
        pix.reset(pixScaleGrayLI(pix.get(), f, f));
    }
    // White all round: Tesseract drops a glyph that touches the image's edge.
    if (pix) pix.reset(pixAddBorder(pix.get(), kBorder, 255));
    return pix;
}

} // namespace

Line Ocr::readLine(const GrayImage& image, const Box& box, int textHeight) {
    Line line;
    int x0 = 0, y0 = 0;
    double factor = 1;
    PixPtr pix = cropForReading(image, box, x0, y0, factor, textHeight);
    if (!pix) return line;
    auto& api = engine_->api;
    api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    api.SetImage(pix.get());
    api.SetSourceResolution(300);
    if (api.Recognize(nullptr) == 0) {
        std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
        if (it && !it->Empty(tesseract::RIL_WORD)) {
            do {
                std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
                if (!word) continue;
                int l = 0, t = 0, r = 0, b = 0;
                it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b);
                l -= kBorder;
                r -= kBorder;
                t -= kBorder;
                b -= kBorder;
                Word w{word.get(), it->Confidence(tesseract::RIL_WORD),
                       Box{x0 + static_cast<int>(l / factor), y0 + static_cast<int>(t / factor),
                           static_cast<int>((r - l) / factor), static_cast<int>((b - t) / factor)},
                       {}};
                do {
                    w.symbols.push_back(it->Confidence(tesseract::RIL_SYMBOL));
                } while (!it->IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) && it->Next(tesseract::RIL_SYMBOL));
                line.text += (line.text.empty() ? "" : " ") + w.text;
                line.box = line.words.empty() ? w.box : line.box;
                line.words.push_back(std::move(w));
            } while (it->Next(tesseract::RIL_WORD));
        }
    }
    api.Clear();
    api.SetPageSegMode(tesseract::PSM_AUTO);
    return line;
}

GrayImage readImageFile(const std::string& path) {
    PixPtr pix(pixRead(path.c_str()));
    if (!pix) throw Error(path + ": not an image Leptonica can read (PNG, JPEG, TIFF or BMP)");
    return fromPix(pix.get(), path);
}

GrayImage readImageBytes(const std::string& bytes, const std::string& nameForErrors) {
    PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
    if (!pix) throw Error(nameForErrors + ": not an image Leptonica can read (PNG, JPEG, TIFF or BMP)");
    return fromPix(pix.get(), nameForErrors);
}

} // namespace fa::screen
