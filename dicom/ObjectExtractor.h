// Entry point of extraction: one DICOM object in, its dose content out. Pure: no I/O beyond
// reading the given file, no database, no global state.
#pragma once

#include "core/DoseObject.h"
#include "dicom/Prescan.h"

#include <map>
#include <string>

class DcmDataset;

namespace fa::dicom {

// Values larger than this are left on disk when a file is loaded: pixel data is never read.
constexpr unsigned int kMaxLoadedValueLength = 64 * 1024;

struct ExtractOptions {
    // What an object may hold before it is even parsed (nesting depth, size).
    PrescanLimits limits;
    // Dose reports at least this large are read one content item at a time (dicom/ContentItems.h),
    // which keeps memory near the file's size; smaller ones are loaded whole (DCMTK's tree takes
    // about 15 times the file). 0, the default: every report.
    std::size_t readInPiecesAbove_bytes = 0;
    // Character set assumed when an object leaves Specific Character Set empty ("" = ASCII).
    std::string defaultCharacterSet;
    // Per device: Station Name, Model or Manufacturer (compared case-insensitively) -> character set.
    std::map<std::string, std::string> deviceCharacterSets;
};

struct Extraction {
    bool hasDoseContent = false;
    std::string whyNot; // when !hasDoseContent: e.g. "CT Image Storage carries no dose content"
    DoseObject object;  // always has SOP Instance UID, SOP Class UID and study info filled in
};

// Throws fa::Error when the dataset is not a usable DICOM object (no SOP Instance UID, ...).
Extraction extractDataset(DcmDataset& dataset, const ExtractOptions& options);

// Throws fa::Error naming the file and the reason when it is not DICOM, truncated or unreadable.
Extraction extractFile(const std::string& path, const ExtractOptions& options);

// The same for an object in memory: a Part 10 file's bytes, or a bare dataset in explicit VR
// little endian. `origin` names it in errors.
Extraction extractBuffer(const void* data, std::size_t size, const std::string& origin, const ExtractOptions& options);

} // namespace fa::dicom
