#include "dicom/ContentItems.h"

#include "core/Error.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcsequen.h"

#include <vector>

namespace fa::dicom {

namespace {

E_TransferSyntax transferSyntaxOf(ContentMap::Syntax syntax) {
    switch (syntax) {
    case ContentMap::Syntax::ImplicitLittle: return EXS_LittleEndianImplicit;
    case ContentMap::Syntax::ExplicitBig: return EXS_BigEndianExplicit;
    default: return EXS_LittleEndianExplicit;
    }
}

// A Content Sequence of undefined length around one item, and its delimiter, in the object's own
// encoding: a dataset DCMTK reads like any other.
std::vector<std::uint8_t> sequenceAround(const std::uint8_t* item, std::size_t length, ContentMap::Syntax syntax) {
    std::vector<std::uint8_t> out;
    const bool big = syntax == ContentMap::Syntax::ExplicitBig;
    if (big) out = {0x00, 0x40, 0xA7, 0x30};
    else out = {0x40, 0x00, 0x30, 0xA7};
    if (syntax != ContentMap::Syntax::ImplicitLittle) out.insert(out.end(), {'S', 'Q', 0x00, 0x00});
    out.insert(out.end(), {0xFF, 0xFF, 0xFF, 0xFF});
    out.insert(out.end(), item, item + length);
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

ContentItems::ContentItems(const std::uint8_t* data, std::size_t size, const ContentMap& map)
    : data_(data), map_(map), header_(std::make_unique<DcmFileFormat>()) {
    std::vector<std::uint8_t> rest(data, data + map.sequenceStart);
    rest.insert(rest.end(), data + map.sequenceEnd, data + size);
    const OFCondition cond = readFrom(*header_, rest, EXS_Unknown);
    if (cond.bad() || !header_->getDataset() || header_->getDataset()->card() == 0)
        throw Error("not a readable DICOM object (" + std::string(cond.text()) + ")");
}

ContentItems::~ContentItems() = default;

DcmDataset& ContentItems::header() { return *header_->getDataset(); }

DcmItem& ContentItems::item(std::size_t i) {
    const auto [start, end] = map_.items.at(i);
    piece_ = std::make_unique<DcmDataset>();
    const OFCondition cond = readFrom(*piece_, sequenceAround(data_ + start, end - start, map_.syntax),
                                      transferSyntaxOf(map_.syntax));
    DcmSequenceOfItems* sequence = nullptr;
    if (cond.bad() || piece_->findAndGetSequence(DCM_ContentSequence, sequence).bad() || !sequence ||
        sequence->card() != 1)
        throw Error("content item " + std::to_string(i + 1) + " at byte " + std::to_string(start) +
                    " cannot be read (" + std::string(cond.text()) + ")");
    return *sequence->getItem(0);
}

DcmDataset& ContentItems::whole() {
    DcmDataset content;
    const std::vector<std::uint8_t> bytes(data_ + map_.sequenceStart, data_ + map_.sequenceEnd);
    const OFCondition cond = readFrom(content, bytes, transferSyntaxOf(map_.syntax));
    DcmElement* sequence = content.remove(DCM_ContentSequence);
    if (cond.bad() || !sequence) {
        delete sequence;
        throw Error("the Content Sequence at byte " + std::to_string(map_.sequenceStart) + " cannot be read (" +
                    std::string(cond.text()) + ")");
    }
    header().insert(sequence, OFTrue);
    return header();
}

} // namespace fa::dicom
