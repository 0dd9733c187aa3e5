#include "skin/Beam.h"

#include "skin/Corrections.h"

#include <cmath>

namespace fa::skin {

namespace {
constexpr double kDegree = 3.14159265358979323846 / 180.0;
}

Beam carmBeam(Vec isocentre, double primary_deg, double secondary_deg, double sourceToIsocentre, double referenceDistance,
              double fieldAcross, double fieldAlong) {
    const double a = primary_deg * kDegree, b = secondary_deg * kDegree;
    // From the isocentre towards the detector; at 0/0 the detector is anterior (source under the table).
    const Vec detector{std::sin(a) * std::cos(b), std::sin(b), std::cos(a) * std::cos(b)};
    Beam beam;
    beam.axis = detector;
    beam.source = isocentre - sourceToIsocentre * detector;
    // The field's sides: `across` turns with the primary angle, `along` with the secondary.
    beam.across = unit(Vec{std::cos(a), 0, -std::sin(a)});
    beam.along = unit(cross(beam.axis, beam.across));
    beam.halfAcross = fieldAcross / 2;
    beam.halfAlong = fieldAlong / 2;
    beam.referenceDistance = referenceDistance;
    return beam;
}

double cellDose(const Beam& beam, const Cell& cell) {
    const Vec r = cell.p - beam.source;
    if (dot(cell.n, r) >= 0) return 0; // faces away from the source
    const double depth = dot(r, beam.axis);
    if (depth <= 0) return 0;
    const double scale = beam.referenceDistance / depth; // to the reference distance
    if (std::fabs(dot(r, beam.across)) * scale > beam.halfAcross + 1e-9) return 0;
    if (std::fabs(dot(r, beam.along)) * scale > beam.halfAlong + 1e-9) return 0;
    const double d2 = dot(r, r);
    const double inverseSquare = beam.referenceDistance * beam.referenceDistance / d2;
    const double side = 2 * std::sqrt(beam.halfAcross * beam.halfAlong) / scale; // field side at the skin
    double dose = beam.kerma_Gy * inverseSquare * backscatter(beam.kvp, beam.copper_mm, side) *
                  waterToAir(beam.kvp, beam.copper_mm);
    // Through the table: the source on its far side, the ray crossing its plane within its width.
    const double sourceSide = (beam.source.z - beam.tableZ) * beam.up;
    if (sourceSide < 0 && r.z != 0) {
        const double t = (beam.tableZ - beam.source.z) / r.z;
        const double x = beam.source.x + t * r.x;
        if (t > 0 && t <= 1 + 1e-9 && std::fabs(x) <= beam.tableHalfWidth) dose *= beam.tableTransmission;
    }
    return dose;
}

bool addBeam(const Beam& beam, const Phantom& phantom, std::vector<double>& dose) {
    bool hit = false;
    for (std::size_t i = 0; i < phantom.cells.size(); ++i) {
        const double d = cellDose(beam, phantom.cells[i]);
        if (d > 0) {
            dose[i] += d;
            hit = true;
        }
    }
    return hit;
}

} // namespace fa::skin
