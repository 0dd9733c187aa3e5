// A large object read in pieces: the object without its mapped sequence first (a dose report's
// Content Sequence, a procedure step's Exposure Dose Sequence: ContentMap), then each item of that
// sequence. DCMTK's tree of a whole report takes about 15 times the file's size; read this way,
// memory holds the header and a batch of items at a time.
#pragma once

#include "dicom/Prescan.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcxfer.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

class DcmDataset;
class DcmElement;
class DcmFileFormat;
class DcmItem;
class DcmTagKey;

namespace fa::dicom {

class ContentItems {
public:
    // `data` holds the whole object (a Part 10 file or a bare dataset) and outlives this; `map`
    // is what prescanBuffer() found in it. Throws fa::Error when DCMTK cannot read the rest.
    ContentItems(const std::uint8_t* data, std::size_t size, const ContentMap& map);
    ~ContentItems();

    // Whether the sequence read in pieces is the one with this tag.
    bool holds(const DcmTagKey& tag) const;
    DcmDataset& header();
    std::size_t count() const { return map_.items.size(); }
    // Item `i` of the sequence, read with the items after it up to a batch; valid until an item
    // outside that batch is asked for. Throws fa::Error when it cannot be read.
    DcmItem& item(std::size_t i);
    // The header with its sequence read back in: the whole object, for objects that are not read
    // in pieces (their content is then read once, not twice).
    DcmDataset& whole();

private:
    const std::uint8_t* data_;
    const ContentMap& map_;
    std::unique_ptr<DcmFileFormat> header_;
    std::unique_ptr<DcmDataset> batch_;
    std::size_t batchFirst_ = 0, batchCount_ = 0;
};

E_TransferSyntax transferSyntaxOf(ContentMap::Syntax syntax);

// One top-level element, given by its bytes (tag to end) in `syntax`, read by DCMTK; throws fa::Error
// when it cannot be.
std::unique_ptr<DcmElement> readElement(const std::uint8_t* data, std::size_t size, ContentMap::Syntax syntax);

// The object in `data` read by DCMTK without the byte ranges `cut` (whole top-level elements, in
// order). Throws fa::Error when DCMTK cannot read what is left.
std::unique_ptr<DcmFileFormat> readWithout(const std::uint8_t* data, std::size_t size,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& cut);

} // namespace fa::dicom
