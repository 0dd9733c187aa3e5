#include "dicom/ContentItems.h"

#include "core/Error.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcsequen.h"

namespace fa::dicom {

namespace {

// Items parsed at once: far fewer parses of a large sequence, a bounded tree at a time.
constexpr std::size_t kBatchItems = 512;
constexpr std::size_t kBatchBytes = 256 << 10;

// The mapped sequence, of undefined length, around the items in [first, last), and its delimiter,
// in the object's own encoding: a dataset DCMTK reads like any other.
std::vector<std::uint8_t> sequenceAround(const ContentMap& map, const std::uint8_t* first, const std::uint8_t* last) {
    std::vector<std::uint8_t> out;
    const auto g = map.group, e = map.element;
    const bool big = map.syntax == ContentMap::Syntax::ExplicitBig;
    if (big) out = {std::uint8_t(g >> 8), std::uint8_t(g), std::uint8_t(e >> 8), std::uint8_t(e)};
    else out = {std::uint8_t(g), std::uint8_t(g >> 8), std::uint8_t(e), std::uint8_t(e >> 8)};
    if (map.syntax != ContentMap::Syntax::ImplicitLittle) out.insert(out.end(), {'S', 'Q', 0x00, 0x00});
    out.insert(out.end(), {0xFF, 0xFF, 0xFF, 0xFF});
    out.insert(out.end(), first, last);
    if (big) out.insert(out.end(), {0xFF, 0xFE, 0xE0, 0xDD, 0, 0, 0, 0});
    else out.insert(out.end(), {0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0});
    return out;
}

OFCondition readFrom(DcmObject& object, const std::vector<std::uint8_t>& bytes, E_TransferSyntax xfer) {
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    stream.setEos();
    object.transferInit();
    const OFCondition cond = object.read(stream, xfer, EGL_noChange, DCM_MaxReadLength);
    object.transferEnd();
    return cond;
}

} // namespace

E_TransferSyntax transferSyntaxOf(ContentMap::Syntax syntax) {
    switch (syntax) {
    case ContentMap::Syntax::ImplicitLittle: return EXS_LittleEndianImplicit;
    case ContentMap::Syntax::ExplicitBig: return EXS_BigEndianExplicit;
    default: return EXS_LittleEndianExplicit;
    }
}

std::unique_ptr<DcmElement> readElement(const std::uint8_t* data, std::size_t size, ContentMap::Syntax syntax) {
    DcmDataset holder;
    const OFCondition cond = readFrom(holder, std::vector<std::uint8_t>(data, data + size), transferSyntaxOf(syntax));
    DcmElement* element = holder.card() == 1 ? holder.remove(0ul) : nullptr;
    if (cond.bad() || !element)
        throw Error(std::string("not one readable element: ") + cond.text());
    return std::unique_ptr<DcmElement>(element);
}

std::unique_ptr<DcmFileFormat> readWithout(const std::uint8_t* data, std::size_t size,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& cut) {
    std::vector<std::uint8_t> rest;
    std::size_t at = 0;
    for (const auto& [start, end] : cut) {
        rest.insert(rest.end(), data + at, data + start);
        at = end;
    }
    rest.insert(rest.end(), data + at, data + size);
    auto file = std::make_unique<DcmFileFormat>();
    const OFCondition cond = readFrom(*file, rest, EXS_Unknown);
    if (cond.bad() || !file->getDataset() || file->getDataset()->card() == 0)
        throw Error("not a readable DICOM object (" + std::string(cond.text()) + ")");
    return file;
}

ContentItems::ContentItems(const std::uint8_t* data, std::size_t size, const ContentMap& map)
    : data_(data), map_(map), header_(readWithout(data, size, {{map.sequenceStart, map.sequenceEnd}})) {}

ContentItems::~ContentItems() = default;

bool ContentItems::holds(const DcmTagKey& tag) const { return tag == DcmTagKey(map_.group, map_.element); }

DcmDataset& ContentItems::header() { return *header_->getDataset(); }

DcmItem& ContentItems::item(std::size_t i) {
    if (!batch_ || i < batchFirst_ || i >= batchFirst_ + batchCount_) {
        const auto& items = map_.items;
        const std::size_t start = items.at(i).first;
        std::size_t last = i + 1; // items next to each other, up to a batch
        while (last < items.size() && last - i < kBatchItems && items[last].first == items[last - 1].second &&
               items[last].second - start <= kBatchBytes)
            ++last;
        batch_ = std::make_unique<DcmDataset>();
        const OFCondition cond = readFrom(*batch_, sequenceAround(map_, data_ + start, data_ + items[last - 1].second),
                                          transferSyntaxOf(map_.syntax));
        DcmSequenceOfItems* sequence = nullptr;
        if (cond.bad() || batch_->findAndGetSequence(DcmTagKey(map_.group, map_.element), sequence).bad() || !sequence ||
            sequence->card() != last - i) {
            batch_.reset();
            const bool content = holds(DCM_ContentSequence);
            throw Error((content ? "content item " : "item ") + std::to_string(i + 1) +
                        (content ? std::string() : std::string(" of ") + DcmTag(DcmTagKey(map_.group, map_.element)).getTagName()) +
                        " at byte " + std::to_string(start) + " cannot be read (" + std::string(cond.text()) + ")");
        }
        batchFirst_ = i;
        batchCount_ = last - i;
    }
    DcmSequenceOfItems* sequence = nullptr;
    batch_->findAndGetSequence(DcmTagKey(map_.group, map_.element), sequence);
    return *sequence->getItem(static_cast<unsigned long>(i - batchFirst_));
}

DcmDataset& ContentItems::whole() {
    try {
        header().insert(readElement(data_ + map_.sequenceStart, map_.sequenceEnd - map_.sequenceStart, map_.syntax).release(),
                        OFTrue);
    } catch (const Error& e) {
        throw Error(std::string("the ") + DcmTag(DcmTagKey(map_.group, map_.element)).getTagName() + " at byte " +
                    std::to_string(map_.sequenceStart) + " cannot be read (" + e.what() + ")");
    }
    return header();
}

} // namespace fa::dicom
