// How each vendor and model family writes where the table is: one named normalisation each, so that
// every event's isocentre can be placed in the patient's frame.
#pragma once

#include "core/DoseObject.h"
#include "core/SkinDose.h"

#include <optional>
#include <string>

namespace fa::skin {

// An event's table position in the patient's axes (mm), as far as the family's reports say it.
struct TablePlacement {
    std::optional<double> lateral_mm;      // towards the patient's left
    std::optional<double> longitudinal_mm; // towards the head
    std::optional<double> belowIsocentre_mm; // the table top's distance below the isocentre
};

struct Normalisation {
    std::string name;          // "Siemens Artis/AXIOM", ...
    std::string family;        // key of measured table transmission ("siemens-artis") or ""
    TablePlacement (*place)(const EventGeometry& e) = nullptr;
    SkinNote assumption;       // what the placement takes on trust, said with each PSD
};

// Siemens Artis and AXIOM-Artis: the reports' Table Lateral Position is the travel along the
// patient and Table Longitudinal Position the travel across (as openSkin reads the Artis zee);
// Table Height Position is the table top's distance below the isocentre.
TablePlacement siemensArtis(const EventGeometry& e);
// Philips Allura and Azurion: along the patient is Table Lateral Position, across is Table
// Longitudinal Position; the table top is 1055 mm minus Table Height Position below the isocentre
// (PySkinDose's calibration of an Allura Clarity).
TablePlacement philipsAllura(const EventGeometry& e);
// Canon/Toshiba Alphenix, Infinix, Ultimax: the DICOM axes as named; Table Height Position read as
// the table top's distance below the isocentre (as Siemens writes it; not confirmed by Canon).
TablePlacement canonInfinix(const EventGeometry& e);
// GE Innova, Discovery IGS and OEC, and any other vendor: the DICOM axes as named; the table
// height's zero is unknown, so the table top is placed by the fallback (skin at the reference point).
TablePlacement dicomAxes(const EventGeometry& e);
// Mobile C-arms (Siemens Cios and ARCADIS, GE OEC, Ziehm, Philips Zenition/BV): no table of their own.
TablePlacement noTable(const EventGeometry& e);

// The normalisation for a device (by manufacturer and model, case-insensitive).
Normalisation normalisationFor(const DeviceInfo& device);

} // namespace fa::skin
