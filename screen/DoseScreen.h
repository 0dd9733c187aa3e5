// The dose figures of a screen's text (Ocr.h): a dose report or exposure summary page sent as an
// image, or a photo of a console's history page. Templates (deploy/dose-screens/*.json, editable by a
// physicist) give each figure's labels in every language seen and the units it may be written in.
// A figure is taken only when its reading is clean; otherwise it is kept as "needs confirmation"
// with why and where, for a person to confirm or correct. A wrong value is never taken silently.
#pragma once

#include "core/Text.h"
#include "screen/Ocr.h"

#include <optional>
#include <string>
#include <vector>

namespace fa::screen {

enum class Field { Dap, KermaRp, FluoroTime, Exposures, AcquisitionTime };
const char* fieldName(Field f); // "dap", "kar", "fluoro_time", "exposures", "acquisition_time"

struct FieldLabels {
    Field field = Field::Dap;
    std::vector<std::string> labels; // as written on screens, any language
};

struct ScreenTemplate {
    std::string name;   // the file's stem
    std::string source; // the file, for messages
    std::vector<FieldLabels> fields;
};

// Every *.json of `folder`, in name order. Throws fa::Error naming the file and what is wrong.
std::vector<ScreenTemplate> loadTemplates(const std::string& folder);
ScreenTemplate parseTemplate(const std::string& json, const std::string& source);

struct ScreenValue {
    Field field = Field::Dap;
    std::optional<double> value; // in the stored unit (Gy.m2, Gy, s, count); none when unreadable
    std::string written;         // the text read after the label ("12.34 Gy·cm²")
    float confidence = 0;        // the lowest of its words' (0 to 100)
    Box box;                     // where it was on the image (label and value)
    Box rest;                    // every word after the label, up to the next label or the line's end
    bool unreadable = false;     // the words after the label are no clean figure
    bool needsConfirmation = false;
    Text why; // when it needs confirmation: what was not clean
};

struct ReadOptions {
    float minConfidence = 85; // below it a value needs confirmation
};

// The figures a page shows: one per field found (a field read twice with different values needs
// confirmation). Nothing when no label is found: a screen without dose text gives nothing.
std::vector<ScreenValue> readDoseScreen(const OcrPage& page, const std::vector<ScreenTemplate>& templates,
                                        const ReadOptions& options = {});

// Each value taken is read a second time from its own crop of `image`, alone on its line and at
// another size; where the two readings differ the value needs confirmation. (OCR may misread a
// digit with high confidence; two readings of different images rarely make the same mistake.)
void secondReading(std::vector<ScreenValue>& values, Ocr& ocr, const GrayImage& image);

// The whole of it: the image read, its figures found and each checked by a second reading.
std::vector<ScreenValue> readDoseScreen(Ocr& ocr, const GrayImage& image, const std::vector<ScreenTemplate>& templates,
                                        const ReadOptions& options = {});

} // namespace fa::screen
