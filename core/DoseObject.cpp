#include "core/DoseObject.h"

#include "core/Error.h"

namespace fa {

const char* toString(SourceKind kind) {
    switch (kind) {
    case SourceKind::Rdsr: return "rdsr";
    case SourceKind::VendorSummary: return "vendor-summary";
    case SourceKind::ImageHeaders: return "image-headers";
    case SourceKind::Mpps: return "mpps";
    }
    return "rdsr";
}

const char* toString(EventType type) {
    switch (type) {
    case EventType::Unknown: return "unknown";
    case EventType::Fluoroscopy: return "fluoroscopy";
    case EventType::StationaryAcquisition: return "stationary-acquisition";
    case EventType::SteppingAcquisition: return "stepping-acquisition";
    case EventType::RotationalAcquisition: return "rotational-acquisition";
    }
    return "unknown";
}

const char* toString(Plane plane) {
    switch (plane) {
    case Plane::Unknown: return "unknown";
    case Plane::Single: return "single";
    case Plane::A: return "A";
    case Plane::B: return "B";
    case Plane::All: return "all";
    }
    return "unknown";
}

SourceKind sourceKindFromString(const std::string& s) {
    for (auto k : {SourceKind::Rdsr, SourceKind::VendorSummary, SourceKind::ImageHeaders, SourceKind::Mpps})
        if (s == toString(k)) return k;
    throw Error("unknown source kind '" + s + "' in the store");
}

EventType eventTypeFromString(const std::string& s) {
    for (auto t : {EventType::Fluoroscopy, EventType::StationaryAcquisition, EventType::SteppingAcquisition,
                   EventType::RotationalAcquisition})
        if (s == toString(t)) return t;
    return EventType::Unknown;
}

Plane planeFromString(const std::string& s) {
    for (auto p : {Plane::Single, Plane::A, Plane::B, Plane::All})
        if (s == toString(p)) return p;
    return Plane::Unknown;
}

bool isAcquisition(EventType type) {
    return type == EventType::StationaryAcquisition || type == EventType::SteppingAcquisition ||
           type == EventType::RotationalAcquisition;
}

std::string DeviceInfo::key() const {
    if (!observerUid.empty()) return observerUid;
    return manufacturer + "|" + model + "|" + serial + "|" + station;
}

std::optional<double> IrradiationEvent::duration_s() const {
    if (irradiationDuration_s) return irradiationDuration_s;
    if (pulses && pulseRate_per_s && *pulseRate_per_s > 0) return *pulses / *pulseRate_per_s;
    return std::nullopt;
}

namespace {
std::optional<double> totalOrParts(const std::optional<double>& total, const std::optional<double>& a,
                                   const std::optional<double>& b) {
    if (total) return total;
    if (a || b) return a.value_or(0.0) + b.value_or(0.0);
    return std::nullopt;
}
} // namespace

std::optional<double> PlaneTotals::dap_Gym2() const {
    return totalOrParts(dapTotal_Gym2, fluoroDapTotal_Gym2, acquisitionDapTotal_Gym2);
}

std::optional<double> RunningTotals::studyDap_Gym2() const {
    return totalOrParts(dap_Gym2, fluoroDap_Gym2, acquisitionDap_Gym2);
}

std::optional<double> PlaneTotals::doseRp_Gy() const {
    return totalOrParts(doseRpTotal_Gy, fluoroDoseRpTotal_Gy, acquisitionDoseRpTotal_Gy);
}

} // namespace fa
