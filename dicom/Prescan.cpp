#include "dicom/Prescan.h"

#include "dicom/MappedFile.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctag.h"

#include <zlib.h>

#include <cstring>
#include <limits>
#include <optional>
#include <vector>

namespace fa::dicom {

namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFF;
constexpr std::uint64_t kOpen = std::numeric_limits<std::uint64_t>::max();

using Syntax = ContentMap::Syntax;

// Whether an explicit VR has a 4-byte length, as DCMTK reads it: the standard VRs with a 2-byte
// length have one; any other two capital letters are taken for a newer VR with a 4-byte length;
// anything else (not letters) for a broken VR with a 2-byte length.
bool hasLongLength(const char* vr) {
    static const char* const kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                         "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
    for (const char* s : kShort)
        if (vr[0] == s[0] && vr[1] == s[1]) return false;
    return vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z';
}

// The containers open at a point of the walk: sequences, their items, encapsulated pixel data.
struct Frame {
    enum Kind { Sequence, Item, Fragments } kind;
    std::uint64_t end; // kOpen: closed by a delimiter
    enum Role { Other, ContentSequence, ContentItem } role = Other;
    ContentMap::Syntax outer = ContentMap::Syntax::ExplicitLittle; // the encoding around it, back when it ends
    bool top = false; // a sequence at the top level
};

class Walker {
public:
    // What a value or container longer than what is left makes of the object: truncated (it has
    // a Part 10 header), unreadable (a bare dataset, or no DICOM at all), or nothing (an inflated
    // dataset, which ends where inflating it stopped).
    enum class Overrun { Truncated, Unreadable, Ignored };
    Walker(const std::uint8_t* data, std::size_t size, Syntax syntax, const PrescanLimits& limits, Overrun overrun,
           ContentMap* map = nullptr)
        : p_(data), size_(size), syntax_(syntax), limits_(limits), overrun_(overrun), map_(map) {}

    // "" or why the object is refused.
    std::string walk(std::size_t start);

private:
    bool has(std::size_t n) const { return pos_ + n <= size_; }
    std::uint16_t u16() {
        const std::uint16_t v = syntax_ == Syntax::ExplicitBig ? static_cast<std::uint16_t>(p_[pos_] << 8 | p_[pos_ + 1])
                                                               : static_cast<std::uint16_t>(p_[pos_ + 1] << 8 | p_[pos_]);
        pos_ += 2;
        return v;
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const int shift = syntax_ == Syntax::ExplicitBig ? 8 * (3 - i) : 8 * i;
            v |= static_cast<std::uint32_t>(p_[pos_ + static_cast<std::size_t>(i)]) << shift;
        }
        pos_ += 4;
        return v;
    }
    std::string delimiter(std::uint16_t element, std::uint32_t length);
    // Ends the walk without a verdict.
    std::string stop() {
        pos_ = size_;
        return {};
    }
    // A value or container longer than what is left: DCMTK would set aside its whole declared
    // length (up to 4 GB) before finding out.
    std::string pastTheEnd(std::uint32_t length) {
        if (overrun_ == Overrun::Ignored) return stop();
        return (overrun_ == Overrun::Truncated ? kTruncated : kUnreadable) + std::to_string(length) + " bytes announced at byte " + std::to_string(headerStart_) +
               ", " + std::to_string(size_ - pos_) + " left";
    }
    std::string element(std::uint16_t group, std::uint16_t element);
    // `inner`: the encoding of what it holds, when it differs from the one around it.
    std::string open(Frame::Kind kind, std::uint32_t length, Frame::Role role = Frame::Other,
                     std::optional<Syntax> inner = std::nullopt, std::uint16_t group = 0, std::uint16_t element = 0);
    // Whether a sequence with this tag opened now is the one whose items are mapped.
    bool mapped(std::uint16_t group, std::uint16_t element) const;
    // Pops the innermost container, noting where the content sequence and its items end.
    void close(std::size_t end);
    int depth() const;

    const std::uint8_t* p_;
    std::size_t size_, pos_ = 0;
    Syntax syntax_;
    const PrescanLimits& limits_;
    Overrun overrun_;
    std::vector<Frame> frames_;
    std::size_t start_ = 0;      // where the dataset begins
    std::uint64_t pixels_ = 0;   // bytes of pixel data (values and fragments) walked past
    ContentMap* map_;
    std::size_t headerStart_ = 0; // where the element or item being read starts
};

bool Walker::mapped(std::uint16_t group, std::uint16_t element) const {
    const bool candidate = group == 0x0040 && (element == 0xA730 || element == 0x030E);
    return candidate && frames_.empty() && (!map_ || map_->group == 0);
}

int Walker::depth() const {
    int n = 0;
    for (const auto& f : frames_) n += f.kind == Frame::Sequence;
    return n;
}

std::string Walker::open(Frame::Kind kind, std::uint32_t length, Frame::Role role, std::optional<Syntax> inner,
                         std::uint16_t group, std::uint16_t element) {
    if (length != kUndefined && length > size_ - pos_) return pastTheEnd(length);
    const bool top = kind == Frame::Sequence && frames_.empty();
    if (map_ && top) map_->sequences.push_back({group, element, headerStart_, 0});
    if (map_ && role == Frame::ContentSequence) {
        map_->group = group;
        map_->element = element;
    }
    if (kind == Frame::Item && !frames_.empty() && frames_.back().role == Frame::ContentSequence) role = Frame::ContentItem;
    if (map_ && role == Frame::ContentSequence) map_->sequenceStart = headerStart_;
    if (map_ && role == Frame::ContentItem) map_->items.emplace_back(headerStart_, 0);
    frames_.push_back({kind, length == kUndefined ? kOpen : pos_ + length, role, syntax_, top});
    if (inner) syntax_ = *inner;
    if (kind == Frame::Sequence && depth() > limits_.maxDepth)
        return "sequences nested more than " + std::to_string(limits_.maxDepth) + " levels deep";
    return {};
}

std::string Walker::delimiter(std::uint16_t element, std::uint32_t length) {
    if (element == 0xE000) { // an item: of a sequence, or a fragment of pixel data
        if (!frames_.empty() && frames_.back().kind == Frame::Fragments) {
            if (length != kUndefined) {
                pos_ += length;
                pixels_ += length + 8;
            }
            return {};
        }
        return open(Frame::Item, length);
    }
    if (!frames_.empty()) close(pos_); // item (E00D) or sequence (E0DD) delimiter
    return {};
}

void Walker::close(std::size_t end) {
    const Frame::Role role = frames_.back().role;
    const bool top = frames_.back().top;
    syntax_ = frames_.back().outer;
    frames_.pop_back();
    if (!map_) return;
    if (top && !map_->sequences.empty()) map_->sequences.back().end = end;
    if (role == Frame::ContentItem && !map_->items.empty()) map_->items.back().second = end;
    if (role == Frame::ContentSequence) map_->sequenceEnd = end;
}

std::string Walker::element(std::uint16_t group, std::uint16_t elem) {
    char vr[3] = {0, 0, 0};
    std::uint32_t length = 0;
    if (syntax_ == Syntax::ImplicitLittle) {
        if (!has(4)) return {};
        length = u32();
        const bool sequence = length == kUndefined || DcmTag(group, elem).getEVR() == EVR_SQ;
        std::memcpy(vr, sequence ? "SQ" : "UN", 2);
    } else {
        if (!has(4)) return {};
        vr[0] = static_cast<char>(p_[pos_]);
        vr[1] = static_cast<char>(p_[pos_ + 1]);
        pos_ += 2;
        if (hasLongLength(vr)) {
            if (!has(6)) return {};
            pos_ += 2;
            length = u32();
        } else {
            length = u16();
        }
    }
    const bool pixels = group == 0x7FE0 && elem == 0x0010;
    if (pixels && length == kUndefined) return open(Frame::Fragments, length);
    // UN of undefined length holds a sequence in implicit VR little endian (PS3.5 6.2.2), as DCMTK
    // reads it: read otherwise, its lengths are not the ones DCMTK sets aside memory for.
    if (length == kUndefined && std::strcmp(vr, "UN") == 0)
        return open(Frame::Sequence, length, Frame::Other, Syntax::ImplicitLittle, group, elem);
    if (std::strcmp(vr, "SQ") == 0)
        return open(Frame::Sequence, length, mapped(group, elem) ? Frame::ContentSequence : Frame::Other, std::nullopt,
                    group, elem);
    if (length == kUndefined) return {}; // malformed: the loader will say so
    if (length > size_ - pos_) return pastTheEnd(length);
    // Everything but pixel data counts, element and item headers included: what DCMTK would build.
    if (pixels) pixels_ += length;
    if (pos_ + length - start_ - pixels_ > limits_.maxContentBytes)
        return "more than " + std::to_string(limits_.maxContentBytes >> 20) + " MB besides pixel data";
    pos_ += length;
    return {};
}

std::string Walker::walk(std::size_t start) {
    pos_ = start_ = start;
    while (has(8)) {
        while (!frames_.empty() && frames_.back().end != kOpen && pos_ >= frames_.back().end) close(frames_.back().end);
        headerStart_ = pos_;
        const std::uint16_t group = u16(), elem = u16();
        std::string why = group == 0xFFFE ? delimiter(elem, u32()) : element(group, elem);
        if (!why.empty()) return why;
    }
    while (!frames_.empty() && frames_.back().end != kOpen && pos_ >= frames_.back().end) close(frames_.back().end);
    return {};
}

// Where the dataset starts and how it is encoded: after the Part 10 meta header, else a bare
// dataset whose encoding is guessed as DCMTK guesses it.
struct Layout {
    std::size_t start = 0;
    std::string transferSyntax;
    bool valid = false;
    bool part10 = false;
};

Layout layoutOf(const std::uint8_t* p, std::size_t size) {
    Layout l;
    if (size >= 132 && std::memcmp(p + 128, "DICM", 4) == 0) {
        std::size_t pos = 132;
        while (pos + 8 <= size && (p[pos] | p[pos + 1] << 8) == 0x0002) {
            const std::uint16_t elem = static_cast<std::uint16_t>(p[pos + 2] | p[pos + 3] << 8);
            const char vr[2] = {static_cast<char>(p[pos + 4]), static_cast<char>(p[pos + 5])};
            std::uint32_t length = 0;
            std::size_t header = 8;
            if (hasLongLength(vr)) {
                if (pos + 12 > size) return l;
                length = static_cast<std::uint32_t>(p[pos + 8] | p[pos + 9] << 8 | p[pos + 10] << 16) |
                         static_cast<std::uint32_t>(p[pos + 11]) << 24;
                header = 12;
            } else {
                length = static_cast<std::uint32_t>(p[pos + 6] | p[pos + 7] << 8);
            }
            if (pos + header + length > size) return l;
            if (elem == 0x0010) l.transferSyntax.assign(reinterpret_cast<const char*>(p + pos + header), length);
            pos += header + length;
        }
        while (!l.transferSyntax.empty() && (l.transferSyntax.back() == '\0' || l.transferSyntax.back() == ' '))
            l.transferSyntax.pop_back();
        l.start = pos;
        l.valid = true;
        l.part10 = true;
        return l;
    }
    if (size >= 8) {
        const bool letters = p[4] >= 'A' && p[4] <= 'Z' && p[5] >= 'A' && p[5] <= 'Z';
        l.transferSyntax = letters ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2";
        l.valid = true;
    }
    return l;
}

// A deflated dataset inflated, at most `limit` bytes (more is refused by its size anyway).
std::vector<std::uint8_t> inflate(const std::uint8_t* p, std::size_t size, std::uint64_t limit) {
    std::vector<std::uint8_t> out;
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return out;
    z.next_in = const_cast<Bytef*>(p);
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
    std::uint8_t chunk[1 << 16];
    int rc = Z_OK;
    while (rc == Z_OK && out.size() <= limit) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = ::inflate(&z, Z_NO_FLUSH);
        out.insert(out.end(), chunk, chunk + (sizeof chunk - z.avail_out));
    }
    inflateEnd(&z);
    return out;
}

// Whether the walk found a content sequence whose items can be read one by one.
bool complete(const ContentMap& m, std::size_t size) {
    if (m.sequenceStart == 0 || m.sequenceEnd <= m.sequenceStart || m.sequenceEnd > size) return false;
    std::size_t at = m.sequenceStart;
    for (const auto& [start, end] : m.items) {
        if (start <= at || end <= start || end > m.sequenceEnd) return false;
        at = end - 1;
    }
    return true;
}

} // namespace

std::string prescanBuffer(const void* data, std::size_t size, const PrescanLimits& limits, ContentMap* map) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    const Layout l = layoutOf(p, size);
    if (map) *map = ContentMap{};
    if (!l.valid) return {};
    if (l.transferSyntax == "1.2.840.10008.1.2.1.99") { // deflated: no map, the loader inflates it
        const auto inflated = inflate(p + l.start, size - l.start, limits.maxContentBytes + 1);
        return Walker(inflated.data(), inflated.size(), Syntax::ExplicitLittle, limits, Walker::Overrun::Ignored).walk(0);
    }
    const Syntax syntax = l.transferSyntax == "1.2.840.10008.1.2"     ? Syntax::ImplicitLittle
                          : l.transferSyntax == "1.2.840.10008.1.2.2" ? Syntax::ExplicitBig
                                                                      : Syntax::ExplicitLittle;
    std::string why = Walker(p, size, syntax, limits, l.part10 ? Walker::Overrun::Truncated : Walker::Overrun::Unreadable, map).walk(l.start);
    if (map) {
        map->syntax = syntax;
        map->found = why.empty() && complete(*map, size);
    }
    return why;
}

std::string prescanFile(const std::string& path, const PrescanLimits& limits) {
    // Mapped, not read: a cine run of several hundred MB is looked at without being copied.
    const MappedFile file(path);
    return file.size() ? prescanBuffer(file.data(), file.size(), limits) : std::string();
}

} // namespace fa::dicom
