// The patient as a surface of 1 cm skin cells, in the patient's frame: x towards the patient's
// left, y towards the head, z anterior (cm). Every phantom lies with its back in the plane z = 0.
#pragma once

#include <string>
#include <vector>

namespace fa::skin {

struct Vec {
    double x = 0, y = 0, z = 0;
};
inline Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec operator-(Vec a, Vec b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec operator*(double s, Vec a) { return {s * a.x, s * a.y, s * a.z}; }
inline double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec cross(Vec a, Vec b);
double norm(Vec a);
Vec unit(Vec a);

struct Cell {
    Vec p; // centre
    Vec n; // outward normal (unit)
};

struct Phantom {
    std::string description;           // "body 178.6 cm, 73.2 kg", ...
    int around = 0, along = 0;         // cells: index = v * around + u
    std::vector<Cell> cells;
    std::vector<std::string> surfaces; // per around index: back, right side, front, left side
    double length = 0;                 // along y, centred on y = 0
    double depth = 0;                  // back (z = 0) to front
    double width = 0;                  // left to right
    const Cell& at(int u, int v) const { return cells[static_cast<std::size_t>(v) * static_cast<std::size_t>(around) + static_cast<std::size_t>(u)]; }
    // "back, middle third" for a cell.
    std::string region(std::size_t index) const;
};

// A plane facing down (the back on the table): `width` across x, `length` along y, cells from the
// patient's left (u = 0) to right. For checks by hand.
Phantom flatPhantom(double width_cm, double length_cm);
// An elliptic cylinder with semi-axes `a` (across) and `b` (front to back), its back on z = 0;
// cells by arc length from the middle of the back towards the patient's right.
Phantom ellipticCylinder(double a_cm, double b_cm, double length_cm);
// The trunk: a cuboid with a semi-cylinder on each side (openSkin's shape), scaled from the
// reference man (178.6 cm, 73.2 kg: trunk 70 cm long, sides of radius 10 cm, flat 14.4 cm):
// length with height, radius with the square root of mass over height.
Phantom bodyPhantom(double height_cm, double mass_kg);
constexpr double kReferenceHeight_cm = 178.6;
constexpr double kReferenceMass_kg = 73.2;

} // namespace fa::skin
