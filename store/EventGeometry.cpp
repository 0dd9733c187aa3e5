#include "store/EventGeometry.h"

#include <charconv>
#include <iterator>
#include <system_error>

namespace fa::store {

namespace {

// The order of the stored numbers: never reordered, only appended to.
constexpr std::optional<double> EventGeometry::*kNumbers[] = {
    &EventGeometry::primaryEndAngle_deg,     &EventGeometry::secondaryEndAngle_deg,
    &EventGeometry::sourceToIsocenter_mm,    &EventGeometry::sourceToDetector_mm,
    &EventGeometry::sourceToReferencePoint_mm, &EventGeometry::tableLongitudinal_mm,
    &EventGeometry::tableLateral_mm,         &EventGeometry::tableHeight_mm,
    &EventGeometry::tableHeadTilt_deg,       &EventGeometry::tableHorizontalRotation_deg,
    &EventGeometry::tableCradleTilt_deg,     &EventGeometry::fieldHeight_mm,
    &EventGeometry::fieldWidth_mm,           &EventGeometry::copper_mm,
    &EventGeometry::aluminium_mm,
};
constexpr std::size_t kNumberCount = std::size(kNumbers);

// Text fields may hold any character but '|' (replaced by '/').
std::string clean(const std::string& s) {
    std::string out = s;
    for (char& c : out)
        if (c == '|') c = '/';
    return out;
}

} // namespace

std::string encodeGeometry(const IrradiationEvent& event) {
    if (!event.geometry) return "";
    const EventGeometry& e = *event.geometry;
    bool any = !e.referencePoint.empty() || !e.patientPosition.empty();
    for (auto field : kNumbers) any = any || (e.*field).has_value();
    if (!any) return "";
    std::string out;
    char buffer[32];
    for (auto field : kNumbers) {
        if (const auto& v = e.*field) {
            const auto r = std::to_chars(buffer, buffer + sizeof buffer, *v);
            out.append(buffer, r.ptr);
        }
        out += '|';
    }
    out += clean(e.referencePoint);
    out += '|';
    out += clean(e.patientPosition);
    return out;
}

void decodeGeometry(std::string_view text, IrradiationEvent& event) {
    if (text.empty()) return;
    EventGeometry& e = event.geometry.make();
    std::size_t field = 0, start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('|', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view part = text.substr(start, end - start);
        if (field < kNumberCount) {
            double v = 0;
            if (!part.empty() && std::from_chars(part.data(), part.data() + part.size(), v).ec == std::errc())
                e.*kNumbers[field] = v;
        } else if (field == kNumberCount) {
            e.referencePoint = std::string(part);
        } else if (field == kNumberCount + 1) {
            e.patientPosition = std::string(part);
        }
        ++field;
        start = end + 1;
    }
}

} // namespace fa::store
