#include "dicom/GeDlStudyTotals.h"

#include "dicom/SrItem.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcelem.h"
#include "dcmtk/dcmdata/dcitem.h"

#include <cmath>
#include <cstring>
#include <string>

namespace fa::dicom {

namespace {

constexpr Uint16 kGroup = 0x0015;
constexpr const char* kCreator = "GEMS_DL_STUDY_01";

// The block (xx) reserved by the creator, 0 when the object has none.
Uint16 creatorBlock(DcmItem& ds) {
    // One pass over the elements (every image goes through here), not a search per block.
    for (DcmObject* object = ds.nextInContainer(nullptr); object; object = ds.nextInContainer(object)) {
        auto* el = static_cast<DcmElement*>(object);
        const DcmTagKey tag = el->getTag();
        if (tag.getGroup() > kGroup) break; // elements are in tag order
        if (tag.getGroup() != kGroup || tag.getElement() < 0x10 || tag.getElement() > 0xFF) continue;
        OFString creator;
        if (el->getOFString(creator, 0).good() && trimmed(creator.c_str()) == kCreator) return tag.getElement();
    }
    return 0;
}

// A value as the element holds it: a decimal string (DS, LO, ...), a binary float (FL, FD), or
// unknown bytes (UN, from an implicit-VR file without a private dictionary) that are one or the other.
std::optional<double> valueOf(DcmElement& el) {
    const Uint32 length = el.getLength();
    if (length == 0) return std::nullopt;
    switch (el.ident()) {
    case EVR_FL: {
        Float32 v = 0;
        return el.getFloat32(v).good() ? std::optional<double>(v) : std::nullopt;
    }
    case EVR_FD: {
        Float64 v = 0;
        return el.getFloat64(v).good() ? std::optional<double>(v) : std::nullopt;
    }
    case EVR_UN:
    case EVR_OB: {
        Uint8* bytes = nullptr;
        if (el.getUint8Array(bytes).bad() || !bytes) return std::nullopt;
        const std::string text(reinterpret_cast<const char*>(bytes), length);
        static const std::string decimal("0123456789+-.eE \0", 17); // a DS padded with a space or NUL
        if (text.find_first_not_of(decimal) == std::string::npos) return parseDecimal(trimmed(text.c_str()));
        if (length == 4) {
            float v = 0;
            std::memcpy(&v, bytes, 4);
            return v;
        }
        if (length == 8) {
            double v = 0;
            std::memcpy(&v, bytes, 8);
            return v;
        }
        return std::nullopt;
    }
    default: {
        OFString s;
        return el.getOFString(s, 0).good() ? parseDecimal(trimmed(s.c_str())) : std::nullopt;
    }
    }
}

} // namespace

bool readGeDlStudyTotals(DcmItem& ds, DoseObject& out, WarningList& w) {
    const Uint16 block = creatorBlock(ds);
    if (!block) return false;
    auto read = [&](Uint16 offset, double scale, const char* what) -> std::optional<double> {
        DcmElement* el = nullptr;
        const DcmTagKey tag(kGroup, static_cast<Uint16>(block << 8 | offset));
        if (ds.findAndGetElement(tag, el).bad() || !el) return std::nullopt;
        const auto v = valueOf(*el);
        if (!v) return std::nullopt;
        if (!std::isfinite(*v) || *v < 0) {
            w.add("value-invalid", fa::text("warn.geNotMeasurable", {{"what", term(std::string("field.GE ") + what)},
                                                                 {"tag", tag.toString().c_str()}}));
            return std::nullopt;
        }
        return *v * scale;
    };
    RunningTotals t;
    t.doseRp_Gy = read(0x80, 1e-3, "Ka,r");           // mGy
    t.dap_Gym2 = read(0x81, 1e-6, "DAP");              // cGy·cm²
    t.fluoroDap_Gym2 = read(0x82, 1e-6, "fluoroscopy DAP");
    t.fluoroTime_s = read(0x83, 1.0, "fluoroscopy time");
    t.acquisitionDap_Gym2 = read(0x84, 1e-6, "record DAP");
    t.acquisitionTime_s = read(0x85, 1.0, "record time");
    if (!t.doseRp_Gy && !t.dap_Gym2 && !t.fluoroDap_Gym2 && !t.fluoroTime_s && !t.acquisitionDap_Gym2 &&
        !t.acquisitionTime_s)
        return false;
    out.runningTotals = t;
    return true;
}

} // namespace fa::dicom
