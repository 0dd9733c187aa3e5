#include "skin/Corrections.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>

namespace fa::skin {

namespace {

// Position of `v` in an ascending axis: the lower index and the weight of the upper one.
std::pair<std::size_t, double> locate(const double* axis, std::size_t n, double v) {
    if (v <= axis[0]) return {0, 0.0};
    if (v >= axis[n - 1]) return {n - 2, 1.0};
    std::size_t i = 0;
    while (v > axis[i + 1]) ++i;
    return {i, (v - axis[i]) / (axis[i + 1] - axis[i])};
}

constexpr double kKvp[11] = {50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150};
constexpr double kCopper[6] = {0, 0.1, 0.2, 0.3, 0.6, 0.9};
constexpr double kSide[5] = {5, 10, 20, 25, 35};

// Benmakhlouf et al. 2011: backscatter factor by kVp, added Cu (3.1 mm Al inherent) and field side.
constexpr double kBackscatter[11][6][5] = {
    {{1.204, 1.256, 1.281, 1.284, 1.286}, {1.244, 1.319, 1.359, 1.364, 1.367}, {1.263, 1.354, 1.404, 1.411, 1.415},
     {1.275, 1.376, 1.434, 1.443, 1.448}, {1.293, 1.411, 1.485, 1.496, 1.503}, {1.301, 1.428, 1.511, 1.524, 1.533}},
    {{1.222, 1.289, 1.325, 1.331, 1.334}, {1.261, 1.355, 1.412, 1.421, 1.426}, {1.280, 1.390, 1.461, 1.473, 1.480},
     {1.291, 1.412, 1.493, 1.507, 1.516}, {1.305, 1.445, 1.546, 1.564, 1.577}, {1.311, 1.460, 1.572, 1.592, 1.607}},
    {{1.233, 1.312, 1.359, 1.367, 1.373}, {1.270, 1.377, 1.448, 1.461, 1.469}, {1.287, 1.410, 1.497, 1.513, 1.524},
     {1.295, 1.430, 1.528, 1.547, 1.560}, {1.305, 1.457, 1.576, 1.600, 1.617}, {1.307, 1.467, 1.597, 1.624, 1.644}},
    {{1.242, 1.330, 1.388, 1.399, 1.406}, {1.275, 1.392, 1.476, 1.492, 1.503}, {1.289, 1.421, 1.522, 1.541, 1.556},
     {1.295, 1.438, 1.550, 1.572, 1.589}, {1.300, 1.458, 1.589, 1.617, 1.639}, {1.299, 1.463, 1.605, 1.635, 1.660}},
    {{1.248, 1.344, 1.412, 1.425, 1.435}, {1.277, 1.401, 1.495, 1.514, 1.528}, {1.287, 1.426, 1.536, 1.559, 1.577},
     {1.292, 1.439, 1.560, 1.586, 1.606}, {1.293, 1.453, 1.591, 1.621, 1.647}, {1.290, 1.454, 1.601, 1.633, 1.662}},
    {{1.252, 1.355, 1.431, 1.446, 1.457}, {1.276, 1.406, 1.507, 1.528, 1.545}, {1.284, 1.427, 1.544, 1.568, 1.589},
     {1.287, 1.437, 1.564, 1.591, 1.614}, {1.285, 1.444, 1.586, 1.618, 1.646}, {1.280, 1.442, 1.591, 1.625, 1.655}},
    {{1.254, 1.362, 1.445, 1.462, 1.475}, {1.275, 1.407, 1.515, 1.537, 1.556}, {1.281, 1.425, 1.546, 1.572, 1.595},
     {1.282, 1.432, 1.562, 1.591, 1.616}, {1.277, 1.435, 1.578, 1.611, 1.640}, {1.271, 1.429, 1.578, 1.613, 1.645}},
    {{1.255, 1.367, 1.455, 1.474, 1.489}, {1.272, 1.407, 1.519, 1.543, 1.563}, {1.276, 1.421, 1.545, 1.573, 1.597},
     {1.276, 1.426, 1.558, 1.588, 1.614}, {1.269, 1.424, 1.568, 1.602, 1.632}, {1.261, 1.417, 1.564, 1.600, 1.633}},
    {{1.255, 1.371, 1.463, 1.483, 1.500}, {1.269, 1.405, 1.520, 1.545, 1.567}, {1.271, 1.416, 1.542, 1.571, 1.596},
     {1.270, 1.419, 1.552, 1.583, 1.610}, {1.261, 1.414, 1.557, 1.591, 1.622}, {1.253, 1.405, 1.550, 1.586, 1.619}},
    {{1.254, 1.372, 1.469, 1.490, 1.508}, {1.265, 1.402, 1.519, 1.545, 1.568}, {1.266, 1.410, 1.538, 1.567, 1.593},
     {1.264, 1.411, 1.545, 1.576, 1.604}, {1.254, 1.404, 1.545, 1.579, 1.611}, {1.245, 1.393, 1.536, 1.571, 1.606}},
    {{1.252, 1.373, 1.472, 1.494, 1.514}, {1.261, 1.398, 1.517, 1.543, 1.568}, {1.261, 1.404, 1.532, 1.561, 1.589},
     {1.258, 1.404, 1.537, 1.568, 1.597}, {1.247, 1.394, 1.534, 1.567, 1.600}, {1.237, 1.381, 1.523, 1.557, 1.592}},
};

// The same source: water-to-air mass energy-absorption coefficient ratio (10 cm field) by kVp and Cu.
constexpr double kWaterToAir[11][6] = {
    {1.016, 1.015, 1.016, 1.016, 1.018, 1.019}, {1.017, 1.018, 1.019, 1.021, 1.024, 1.026},
    {1.019, 1.021, 1.023, 1.026, 1.031, 1.034}, {1.021, 1.025, 1.028, 1.031, 1.038, 1.042},
    {1.024, 1.029, 1.033, 1.037, 1.043, 1.048}, {1.027, 1.033, 1.038, 1.041, 1.049, 1.053},
    {1.030, 1.037, 1.041, 1.045, 1.053, 1.058}, {1.033, 1.040, 1.045, 1.049, 1.057, 1.062},
    {1.036, 1.043, 1.048, 1.052, 1.060, 1.065}, {1.038, 1.046, 1.051, 1.055, 1.063, 1.068},
    {1.041, 1.049, 1.054, 1.058, 1.065, 1.071},
};

// Siemens Artis zeego table with mattress (openSkin's figures): by added Cu and kVp 60, 80, 110, 125.
constexpr double kTableKvp[4] = {60, 80, 110, 125};
constexpr double kArtisTable[6][4] = {
    {0.66, 0.68, 0.71, 0.72}, {0.73, 0.75, 0.78, 0.78}, {0.75, 0.78, 0.81, 0.81},
    {0.76, 0.79, 0.83, 0.83}, {0.79, 0.81, 0.85, 0.85}, {0.80, 0.82, 0.85, 0.86},
};

double lerp(double a, double b, double t) { return a + (b - a) * t; }

} // namespace

double backscatter(double kvp, double copper_mm, double fieldSide_cm) {
    const auto [k, tk] = locate(kKvp, std::size(kKvp), kvp);
    const auto [c, tc] = locate(kCopper, std::size(kCopper), copper_mm);
    const auto [s, ts] = locate(kSide, std::size(kSide), fieldSide_cm);
    auto at = [&](std::size_t ki, std::size_t ci) { return lerp(kBackscatter[ki][ci][s], kBackscatter[ki][ci][s + 1], ts); };
    return lerp(lerp(at(k, c), at(k, c + 1), tc), lerp(at(k + 1, c), at(k + 1, c + 1), tc), tk);
}

double waterToAir(double kvp, double copper_mm) {
    const auto [k, tk] = locate(kKvp, std::size(kKvp), kvp);
    const auto [c, tc] = locate(kCopper, std::size(kCopper), copper_mm);
    return lerp(lerp(kWaterToAir[k][c], kWaterToAir[k][c + 1], tc), lerp(kWaterToAir[k + 1][c], kWaterToAir[k + 1][c + 1], tc), tk);
}

std::optional<double> measuredTableTransmission(const std::string& family, double kvp, double copper_mm) {
    if (family != "siemens-artis") return std::nullopt;
    const auto [k, tk] = locate(kTableKvp, std::size(kTableKvp), kvp);
    const auto [c, tc] = locate(kCopper, std::size(kCopper), copper_mm);
    return lerp(lerp(kArtisTable[c][k], kArtisTable[c + 1][k], tc), lerp(kArtisTable[c][k + 1], kArtisTable[c + 1][k + 1], tc), tk);
}

} // namespace fa::skin
