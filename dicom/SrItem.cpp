#include "dicom/SrItem.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcitem.h"
#include "dcmtk/dcmdata/dcsequen.h"

#include <charconv>
#include <cmath>

namespace fa::dicom {

namespace {

std::string_view stringOf(DcmItem& item, const DcmTagKey& tag) {
    const char* p = nullptr;
    if (item.findAndGetString(tag, p).bad() || p == nullptr) return {};
    return trimmed(p);
}

DcmItem* firstItem(DcmItem& item, const DcmTagKey& seq) {
    DcmItem* out = nullptr;
    if (item.findAndGetSequenceItem(seq, out, 0).bad()) return nullptr;
    return out;
}

CodeRef codeIn(DcmItem& item, const DcmTagKey& seq) {
    DcmItem* c = firstItem(item, seq);
    if (!c) return {};
    CodeRef ref{stringOf(*c, DCM_CodeValue), stringOf(*c, DCM_CodingSchemeDesignator), stringOf(*c, DCM_CodeMeaning)};
    if (ref.value.empty()) ref.value = stringOf(*c, DCM_LongCodeValue);
    if (ref.value.empty()) ref.value = stringOf(*c, DCM_URNCodeValue);
    return ref;
}

} // namespace

std::string_view trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::optional<double> parseDecimal(std::string_view s) {
    s = trimmed(s);
    if (const auto bs = s.find('\\'); bs != std::string_view::npos) s = trimmed(s.substr(0, bs)); // first of VM > 1
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string_view SrItem::valueType() const { return stringOf(*item_, DCM_ValueType); }
std::string_view SrItem::relationship() const { return stringOf(*item_, DCM_RelationshipType); }
CodeRef SrItem::concept() const { return codeIn(*item_, DCM_ConceptNameCodeSequence); }
CodeRef SrItem::codeValue() const { return codeIn(*item_, DCM_ConceptCodeSequence); }

std::string_view SrItem::textValue() const {
    for (const DcmTagKey& tag : {DCM_TextValue, DCM_UID, DCM_DateTime, DCM_Date, DCM_Time, DCM_PersonName}) {
        const auto v = stringOf(*item_, tag);
        if (!v.empty()) return v;
    }
    return {};
}

SrItem::Num SrItem::num() const {
    Num n;
    n.qualifier = codeIn(*item_, DCM_NumericValueQualifierCodeSequence);
    DcmItem* mv = firstItem(*item_, DCM_MeasuredValueSequence);
    if (!mv) return n;
    n.unit = codeIn(*mv, DCM_MeasurementUnitsCodeSequence);
    n.written = stringOf(*mv, DCM_NumericValue);
    if (!n.written.empty()) {
        n.value = parseDecimal(n.written);
        n.invalid = !n.value.has_value();
    }
    if (!n.value) {
        Float64 fd = 0;
        if (mv->findAndGetFloat64(DCM_FloatingPointValue, fd).good() && std::isfinite(fd)) {
            n.value = fd;
            n.invalid = false;
        }
    }
    return n;
}

std::vector<SrItem> SrItem::children() const {
    std::vector<SrItem> out;
    DcmSequenceOfItems* seq = nullptr;
    if (item_->findAndGetSequence(DCM_ContentSequence, seq).bad() || !seq) return out;
    out.reserve(seq->card());
    for (DcmObject* obj = seq->nextInContainer(nullptr); obj; obj = seq->nextInContainer(obj))
        if (auto* child = dynamic_cast<DcmItem*>(obj)) out.emplace_back(*child);
    return out;
}

} // namespace fa::dicom
