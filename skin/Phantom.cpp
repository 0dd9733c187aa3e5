#include "skin/Phantom.h"

#include <cmath>
#include <functional>

namespace fa::skin {

Vec cross(Vec a, Vec b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
double norm(Vec a) { return std::sqrt(dot(a, a)); }
Vec unit(Vec a) { return (1.0 / norm(a)) * a; }

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Section {
    Vec p, n;          // in the x-z plane (y = 0)
    std::string surface;
};

// Cells of a cross-section walked by arc length: `at(s)` for 0 <= s < perimeter, repeated along y.
Phantom sweep(std::string description, double perimeter, double length, double depth, double width,
              const std::function<Section(double)>& at) {
    Phantom ph;
    ph.description = std::move(description);
    ph.around = std::max(1, static_cast<int>(std::lround(perimeter)));
    ph.along = std::max(1, static_cast<int>(std::lround(length)));
    ph.length = length;
    ph.depth = depth;
    ph.width = width;
    const double du = perimeter / ph.around, dv = length / ph.along;
    std::vector<Section> ring;
    for (int u = 0; u < ph.around; ++u) {
        ring.push_back(at((u + 0.5) * du));
        ph.surfaces.push_back(ring.back().surface);
    }
    ph.cells.reserve(static_cast<std::size_t>(ph.around) * static_cast<std::size_t>(ph.along));
    for (int v = 0; v < ph.along; ++v) {
        const double y = -length / 2 + (v + 0.5) * dv;
        for (const auto& s : ring) ph.cells.push_back(Cell{Vec{s.p.x, y, s.p.z}, s.n});
    }
    return ph;
}

} // namespace

std::string Phantom::region(std::size_t index) const {
    const int u = static_cast<int>(index % static_cast<std::size_t>(around));
    const double y = cells[index].p.y;
    const char* third = y > length / 6 ? "upper third" : y < -length / 6 ? "lower third" : "middle third";
    return surfaces[static_cast<std::size_t>(u)] + ", " + third;
}

Phantom flatPhantom(double width_cm, double length_cm) {
    return sweep("flat " + std::to_string(static_cast<int>(width_cm)) + " x " + std::to_string(static_cast<int>(length_cm)) + " cm",
                 width_cm, length_cm, 0, width_cm, [&](double s) {
                     return Section{Vec{width_cm / 2 - s, 0, 0}, Vec{0, 0, -1}, "back"};
                 });
}

Phantom ellipticCylinder(double a, double b, double length) {
    // Arc length by fine steps of the angle from the bottom (the middle of the back) towards -x.
    constexpr int kSteps = 20000;
    std::vector<double> arc(kSteps + 1, 0.0);
    auto point = [&](double phi) { return Vec{-a * std::sin(phi), 0, b - b * std::cos(phi)}; };
    for (int i = 1; i <= kSteps; ++i)
        arc[i] = arc[i - 1] + norm(point(2 * kPi * i / kSteps) - point(2 * kPi * (i - 1) / kSteps));
    const double perimeter = arc.back();
    return sweep("elliptic cylinder " + std::to_string(a) + " x " + std::to_string(b) + " cm", perimeter, length, 2 * b, 2 * a,
                 [&](double s) {
                     const auto it = std::lower_bound(arc.begin(), arc.end(), s);
                     const auto i = static_cast<int>(std::max<std::ptrdiff_t>(1, it - arc.begin()));
                     const double t = (s - arc[i - 1]) / (arc[i] - arc[i - 1]);
                     const double phi = 2 * kPi * (i - 1 + t) / kSteps;
                     const Vec p = point(phi);
                     const Vec n = unit(Vec{p.x / (a * a), 0, (p.z - b) / (b * b)});
                     const double q = std::fmod(phi + kPi / 4, 2 * kPi); // quadrants centred on back, right, front, left
                     const char* surface = q < kPi / 2 ? "back" : q < kPi ? "right side" : q < 1.5 * kPi ? "front" : "left side";
                     return Section{p, n, surface};
                 });
}

Phantom bodyPhantom(double height_cm, double mass_kg) {
    const double length = 70.0 * height_cm / kReferenceHeight_cm;
    const double r = 10.0 / std::sqrt(height_cm / kReferenceHeight_cm) * std::sqrt(mass_kg / kReferenceMass_kg);
    const double flat = 14.4 / 10.0 * r;
    const double half = flat / 2, arcLen = kPi * r;
    const double perimeter = 2 * flat + 2 * arcLen;
    char text[96];
    std::snprintf(text, sizeof text, "body %.1f cm, %.1f kg", height_cm, mass_kg);
    return sweep(text, perimeter, length, 2 * r, flat + 2 * r, [=](double s) {
        if (s < half) return Section{Vec{-s, 0, 0}, Vec{0, 0, -1}, "back"};
        s -= half;
        if (s < arcLen) { // right side: from the bottom round to the top, centre (-half, r)
            const double phi = s / r;
            return Section{Vec{-half - r * std::sin(phi), 0, r - r * std::cos(phi)}, Vec{-std::sin(phi), 0, -std::cos(phi)},
                           "right side"};
        }
        s -= arcLen;
        if (s < flat) return Section{Vec{-half + s, 0, 2 * r}, Vec{0, 0, 1}, "front"};
        s -= flat;
        if (s < arcLen) { // left side: from the top round to the bottom, centre (half, r)
            const double phi = s / r;
            return Section{Vec{half + r * std::sin(phi), 0, r + r * std::cos(phi)}, Vec{std::sin(phi), 0, std::cos(phi)},
                           "left side"};
        }
        s -= arcLen;
        return Section{Vec{half - s, 0, 0}, Vec{0, 0, -1}, "back"};
    });
}

} // namespace fa::skin
