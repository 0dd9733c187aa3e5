// What the store keeps of a study's skin dose, and the interface through which it asks for it
// (skin/ implements it): the store sees only this.
#pragma once

#include "core/DoseObject.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fa {

// A finding said to a person: a stable code with its values (for translation) and the English text.
struct SkinNote {
    std::string code;
    std::vector<std::pair<std::string, std::string>> params;
    std::string text;
    bool empty() const { return code.empty(); }
};

struct SkinDoseResult {
    std::optional<double> psd_Gy;     // peak skin dose; none when the reports lack what it needs
    std::string region;               // where the peak is: "back, middle third", ...
    SkinNote missing;                 // when there is no PSD: what the reports lack, and where
    std::vector<SkinNote> assumptions; // each fallback or default the figure rests on
    std::optional<double> dapOnPhantom;   // share of the DAP whose field met the phantom (0..1)
    std::string model;                // "fluoroaudit skin 1": the version of the method
    std::string phantom;              // "body, 178.6 cm, 73.2 kg (assumed)"
    std::string normalisation;        // the named vendor geometry used
    // The map: `around` cells round the body (1 cm, from the middle of the back towards the
    // patient's right) by `along` cells from the feet to the head; encodeMap's text.
    int around = 0, along = 0;
    std::string map;
    // The body phantom's shape (cm): the flat part of back and front, the sides' radius, the length.
    double flat_cm = 0, radius_cm = 0, length_cm = 0;
    std::size_t events = 0;           // events mapped
};

class SkinDoseModel {
public:
    virtual ~SkinDoseModel() = default;
    // The skin dose of the events of `objects` (the study's counted dose reports).
    virtual SkinDoseResult compute(const std::vector<const DoseObject*>& objects) const = 0;
};

} // namespace fa
