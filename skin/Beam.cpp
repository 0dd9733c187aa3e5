#include "skin/Beam.h"

#include "skin/Corrections.h"

#include <algorithm>
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
        // An oblique ray crosses more of the table top and mattress: transmission^(1 / cos of its angle
        // to the table's normal), the path length through a flat slab.
        if (t > 0 && t <= 1 + 1e-9 && std::fabs(x) <= beam.tableHalfWidth)
            dose *= std::pow(beam.tableTransmission, std::sqrt(d2) / std::fabs(r.z));
    }
    return dose;
}

bool addBeam(const Beam& beam, const Phantom& phantom, std::vector<double>& dose) {
    // A ring of cells (one y) is skipped whole when it lies beyond one of the field's two sides
    // along the patient: the side is the plane (along -/+ k axis) . r = 0, k = half side / d_ref,
    // and the ring's cross-section lies within [xMin, xMax] x [zMin, zMax].
    double xMin = 1e300, xMax = -1e300, zMin = 1e300, zMax = -1e300;
    for (int u = 0; u < phantom.around; ++u) {
        const Vec& p = phantom.at(u, 0).p;
        xMin = std::min(xMin, p.x), xMax = std::max(xMax, p.x), zMin = std::min(zMin, p.z), zMax = std::max(zMax, p.z);
    }
    const double k = beam.halfAlong / beam.referenceDistance;
    const Vec sides[2] = {beam.along - k * beam.axis, (-1.0) * beam.along - k * beam.axis};
    auto beyond = [&](const Vec& c, double y) {
        const double least = c.x * ((c.x > 0 ? xMin : xMax) - beam.source.x) + c.y * (y - beam.source.y) +
                             c.z * ((c.z > 0 ? zMin : zMax) - beam.source.z);
        return least > 1e-9;
    };
    bool hit = false;
    for (int v = 0; v < phantom.along; ++v) {
        const std::size_t first = static_cast<std::size_t>(v) * static_cast<std::size_t>(phantom.around);
        const double y = phantom.cells[first].p.y;
        if (beyond(sides[0], y) || beyond(sides[1], y)) continue;
        for (std::size_t i = first; i < first + static_cast<std::size_t>(phantom.around); ++i) {
            const double d = cellDose(beam, phantom.cells[i]);
            if (d > 0) {
                dose[i] += d;
                hit = true;
            }
        }
    }
    return hit;
}

} // namespace fa::skin
