// One x-ray beam onto the phantom and the dose it gives each skin cell it reaches.
#pragma once

#include "skin/Phantom.h"

#include <vector>

namespace fa::skin {

// In the patient's frame (cm); the field is a rectangle perpendicular to the axis.
struct Beam {
    Vec source;
    Vec axis;                  // unit, from the source through the isocentre
    Vec across, along;         // unit, the field's sides (perpendicular to the axis and each other)
    double halfAcross = 0;     // half the field's sides at the reference distance
    double halfAlong = 0;
    double referenceDistance = 0; // source to the reference point, where kerma is given
    double kerma_Gy = 0;          // air kerma at the reference point (Ka,r) of this beam
    double kvp = 80;
    double copper_mm = 0;
    double tableTransmission = 1; // where the beam crosses the table before the skin
    double tableZ = 0;            // the table top's plane (z); the patient lies on the side of `up`
    double up = 1;                //   +1: supine (table under the back), -1: prone
    double tableHalfWidth = 25;   // across x, centred on the patient
};

// The beam of a C-arm at `primary_deg` (LAO positive: detector towards the patient's left) and
// `secondary_deg` (cranial positive: detector towards the head), its source `sourceToIsocentre`
// from `isocentre`; a field of `fieldAcross` x `fieldAlong` cm at `referenceDistance`.
Beam carmBeam(Vec isocentre, double primary_deg, double secondary_deg, double sourceToIsocentre, double referenceDistance,
              double fieldAcross, double fieldAlong);

// Absorbed dose to the skin of `cell` from `beam` (Gy): Ka,r x (d_ref / d)^2 x backscatter (kVp, Cu,
// field side at the skin) x water-to-air ratio x table transmission where the ray crosses the table
// (raised to 1 / cos of the ray's angle to the table's normal: the longer path of an oblique ray);
// 0 where the cell is outside the field or faces away from the source (a convex phantom shades nothing else).
double cellDose(const Beam& beam, const Cell& cell);
// Adds the beam's dose to every cell of `phantom` (`dose` has one entry per cell); true when it
// reached at least one cell.
bool addBeam(const Beam& beam, const Phantom& phantom, std::vector<double>& dose);

} // namespace fa::skin
