// A large dose report read in pieces: the object without its Content Sequence first, then each
// top-level content item on its own. DCMTK's tree of a whole report takes about 15 times the
// file's size; read this way, memory holds the header and one content item at a time.
#pragma once

#include "dicom/Prescan.h"

#include <cstddef>
#include <cstdint>
#include <memory>

class DcmDataset;
class DcmFileFormat;
class DcmItem;

namespace fa::dicom {

class ContentItems {
public:
    // `data` holds the whole object (a Part 10 file or a bare dataset) and outlives this; `map`
    // is what prescanBuffer() found in it. Throws fa::Error when DCMTK cannot read the rest.
    ContentItems(const std::uint8_t* data, std::size_t size, const ContentMap& map);
    ~ContentItems();

    DcmDataset& header();
    std::size_t count() const { return map_.items.size(); }
    // Content item `i`, read on its own; valid until the next call. Throws fa::Error when it
    // cannot be read.
    DcmItem& item(std::size_t i);
    // The header with its Content Sequence read back in: the whole object, for reports that are
    // not read in pieces (their content is then read once, not twice).
    DcmDataset& whole();

private:
    const std::uint8_t* data_;
    const ContentMap& map_;
    std::unique_ptr<DcmFileFormat> header_;
    std::unique_ptr<DcmDataset> piece_;
};

} // namespace fa::dicom
