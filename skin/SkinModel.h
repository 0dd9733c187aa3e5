// Peak skin dose and skin map of a study from its dose reports' irradiation events (domain.md,
// "Skin dose"): pure functions, and the SkinDoseModel the store calls.
#pragma once

#include "core/SkinDose.h"
#include "skin/Phantom.h"

#include <string>
#include <vector>

namespace fa::skin {

constexpr const char* kModelVersion = "fluoroaudit skin 1";

struct Options {
    double defaultKvp = 80;      // where an event gives none
    double sweepStep_deg = 1;    // a rotational run is mapped as beams this far apart
};

SkinDoseResult computeSkinDose(const std::vector<const DoseObject*>& objects, const Options& options = {});

class Model : public SkinDoseModel {
public:
    explicit Model(Options options = {}) : options_(options) {}
    SkinDoseResult compute(const std::vector<const DoseObject*>& objects) const override {
        return computeSkinDose(objects, options_);
    }

private:
    Options options_;
};

// The map as stored: "1;SCALE;BASE64" where the bytes are 16-bit little-endian steps of SCALE Gy,
// a zero step followed by a 16-bit count of further zeros (maps are mostly untouched skin).
std::string encodeMap(const std::vector<double>& dose_Gy);
// Back to one value per cell (`cells` of them); throws fa::Error when `text` is not such a map.
std::vector<double> decodeMap(const std::string& text, std::size_t cells);

} // namespace fa::skin
