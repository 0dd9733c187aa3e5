#include "dicom/RdsrExtractor.h"

#include "dicom/DicomDateTime.h"
#include "dicom/Measurement.h"

#include <functional>
#include <string>

namespace fa::dicom {

using units::Quantity;

namespace {

// Depth-first over the descendants of `item` (not `item` itself); `visit` returns false to skip
// the descendants of the item it was given.
void walk(const SrItem& item, const std::function<bool(const SrItem&)>& visit, int depth = 0) {
    if (depth >= kMaxSrDepth) return;
    for (const SrItem& child : item.children())
        if (visit(child)) walk(child, visit, depth + 1);
}

Plane planeOf(const CodeRef& c) {
    if (matches(c, codes::PlaneA)) return Plane::A;
    if (matches(c, codes::PlaneB)) return Plane::B;
    if (matches(c, codes::SinglePlane)) return Plane::Single;
    if (matches(c, codes::AllPlanes)) return Plane::All;
    return Plane::Unknown;
}

EventType eventTypeOf(const CodeRef& c) {
    if (matches(c, codes::FluoroscopySrt) || matches(c, codes::FluoroscopySct)) return EventType::Fluoroscopy;
    if (matches(c, codes::StationaryAcquisition)) return EventType::StationaryAcquisition;
    if (matches(c, codes::SteppingAcquisition)) return EventType::SteppingAcquisition;
    if (matches(c, codes::RotationalAcquisition)) return EventType::RotationalAcquisition;
    return EventType::Unknown;
}

struct NumericConcept {
    const Code* code;
    Quantity quantity;
    const char* standardUnit;
    const char* what;
};

PlaneTotals readAccumulated(const SrItem& container, WarningList& w) {
    PlaneTotals p;
    const struct {
        NumericConcept concept;
        std::optional<double> PlaneTotals::*field;
    } rows[] = {
        {{&codes::DoseAreaProductTotal, Quantity::DoseAreaProduct, "Gy.m2", "Dose Area Product Total"}, &PlaneTotals::dapTotal_Gym2},
        {{&codes::DoseRpTotal, Quantity::Dose, "Gy", "Dose (RP) Total"}, &PlaneTotals::doseRpTotal_Gy},
        {{&codes::FluoroDoseAreaProductTotal, Quantity::DoseAreaProduct, "Gy.m2", "Fluoro Dose Area Product Total"}, &PlaneTotals::fluoroDapTotal_Gym2},
        {{&codes::FluoroDoseRpTotal, Quantity::Dose, "Gy", "Fluoro Dose (RP) Total"}, &PlaneTotals::fluoroDoseRpTotal_Gy},
        {{&codes::AcquisitionDoseAreaProductTotal, Quantity::DoseAreaProduct, "Gy.m2", "Acquisition Dose Area Product Total"}, &PlaneTotals::acquisitionDapTotal_Gym2},
        {{&codes::AcquisitionDoseRpTotal, Quantity::Dose, "Gy", "Acquisition Dose (RP) Total"}, &PlaneTotals::acquisitionDoseRpTotal_Gy},
        {{&codes::TotalFluoroTime, Quantity::Time, "s", "Total Fluoro Time"}, &PlaneTotals::fluoroTime_s},
        {{&codes::TotalAcquisitionTime, Quantity::Time, "s", "Total Acquisition Time"}, &PlaneTotals::acquisitionTime_s},
        {{&codes::TotalNumberOfRadiographicFrames, Quantity::Count, "1", "Total Number of Radiographic Frames"}, &PlaneTotals::frames},
    };
    walk(container, [&](const SrItem& item) {
        const CodeRef concept = item.concept();
        if (matches(concept, codes::AcquisitionPlane)) {
            p.plane = planeOf(item.codeValue());
            return false;
        }
        for (const auto& row : rows) {
            if (!matches(concept, *row.concept.code)) continue;
            if (!(p.*row.field))
                p.*row.field = readMeasurement(item, row.concept.quantity, row.concept.standardUnit, row.concept.what, w);
            return false;
        }
        return item.valueType() == "CONTAINER"; // TID 10004 / 10007 may be nested in a container
    });
    return p;
}

// The numeric content items of an event (TID 10003) and where each goes.
struct EventNumber {
    NumericConcept concept;
    std::optional<double> IrradiationEvent::*field;
};
const EventNumber kEventNumbers[] = {
    {{&codes::DoseAreaProduct, Quantity::DoseAreaProduct, "Gy.m2", "event Dose Area Product"}, &IrradiationEvent::dap_Gym2},
    {{&codes::DoseRp, Quantity::Dose, "Gy", "event Dose (RP)"}, &IrradiationEvent::doseRp_Gy},
    {{&codes::KVP, Quantity::Voltage, "kV", "KVP"}, &IrradiationEvent::kvp_kV},
    {{&codes::XRayTubeCurrent, Quantity::Current, "mA", "X-Ray Tube Current"}, &IrradiationEvent::tubeCurrent_mA},
    {{&codes::AverageXRayTubeCurrent, Quantity::Current, "mA", "Average X-Ray Tube Current"}, &IrradiationEvent::tubeCurrent_mA},
    {{&codes::NumberOfPulses, Quantity::Count, "1", "Number of Pulses"}, &IrradiationEvent::pulses},
    {{&codes::PulseRate, Quantity::Rate, "{pulse}/s", "Pulse Rate"}, &IrradiationEvent::pulseRate_per_s},
    {{&codes::IrradiationDuration, Quantity::Time, "s", "Irradiation Duration"}, &IrradiationEvent::irradiationDuration_s},
    {{&codes::ExposureTime, Quantity::Time, "ms", "Exposure Time"}, &IrradiationEvent::exposureTime_s},
    // Siemens and Philips Azurion still write the retired Exposure Time code 113735.
    {{&codes::RetiredExposureTime, Quantity::Time, "ms", "Exposure Time"}, &IrradiationEvent::exposureTime_s},
    {{&codes::CollimatedFieldArea, Quantity::Area, "m2", "Collimated Field Area"}, &IrradiationEvent::fieldArea_m2},
    {{&codes::PositionerPrimaryAngle, Quantity::Angle, "deg", "Positioner Primary Angle"}, &IrradiationEvent::primaryAngle_deg},
    {{&codes::PositionerSecondaryAngle, Quantity::Angle, "deg", "Positioner Secondary Angle"}, &IrradiationEvent::secondaryAngle_deg},
};

// The coded and text items of an event; false when `item` is none of them.
bool readEventAttribute(const SrItem& item, IrradiationEvent& e, TextDecoder& text, WarningList& w, bool& typeSeen) {
    const CodeRef concept = item.concept();
    if (matches(concept, codes::AcquisitionPlane)) {
        e.plane = planeOf(item.codeValue());
    } else if (matches(concept, codes::IrradiationEventUID) || matches(concept, codes::RetiredIrradiationEventUID)) {
        if (e.uid.empty()) e.uid = std::string(item.textValue());
    } else if (matches(concept, codes::DateTimeStarted)) {
        e.startedAt = isoDateTime(item.textValue());
    } else if (matches(concept, codes::IrradiationEventType)) {
        typeSeen = true;
        e.type = eventTypeOf(item.codeValue());
        if (e.type == EventType::Unknown) {
            const CodeRef c = item.codeValue();
            w.add("event-type-unknown", "Irradiation Event Type (" + std::string(c.value) + ", " + std::string(c.scheme) +
                                            ") is not one of CID 10002; event counted as a shot only");
        }
    } else if (matches(concept, codes::AcquisitionProtocol)) {
        e.protocol = text.decode(item.textValue());
    } else {
        return false;
    }
    return true;
}

IrradiationEvent readEvent(const SrItem& container, TextDecoder& text, WarningList& w) {
    IrradiationEvent e;
    bool typeSeen = false;
    walk(container, [&](const SrItem& item) {
        if (readEventAttribute(item, e, text, w, typeSeen)) return false;
        const CodeRef concept = item.concept();
        for (const auto& row : kEventNumbers) {
            if (!matches(concept, *row.concept.code)) continue;
            if (!(e.*row.field))
                e.*row.field = readMeasurement(item, row.concept.quantity, row.concept.standardUnit, row.concept.what, w);
            return false;
        }
        return item.valueType() == "CONTAINER";
    });
    if (!typeSeen) w.add("event-type-missing", "an irradiation event has no Irradiation Event Type");
    return e;
}

// The GE OEC Super-C writes Device Observer UID as TEXT instead of UIDREF: textValue() reads both.
void readObserverContext(const SrItem& item, DeviceInfo& d, TextDecoder& text) {
    const CodeRef concept = item.concept();
    auto fill = [&](std::string& field) {
        if (field.empty()) field = text.decode(item.textValue());
    };
    if (matches(concept, codes::DeviceObserverUID)) fill(d.observerUid);
    else if (matches(concept, codes::DeviceObserverManufacturer)) fill(d.manufacturer);
    else if (matches(concept, codes::DeviceObserverModelName)) fill(d.model);
    else if (matches(concept, codes::DeviceObserverSerialNumber)) fill(d.serial);
    else if (matches(concept, codes::DeviceObserverName)) fill(d.station);
}

} // namespace

std::optional<SrItem> findDoseReportRoot(const SrItem& documentRoot) {
    if (documentRoot.is(codes::XRayRadiationDoseReport)) return documentRoot;
    std::optional<SrItem> found;
    walk(documentRoot, [&](const SrItem& item) {
        if (found) return false;
        if (item.valueType() == "CONTAINER" && item.is(codes::XRayRadiationDoseReport)) {
            found = item;
            return false;
        }
        return item.valueType() == "CONTAINER";
    });
    return found;
}

void extractRdsrItem(const SrItem& item, TextDecoder& text, DoseObject& out, WarningList& warnings) {
    const CodeRef concept = item.concept();
    if (matches(concept, codes::AccumulatedXRayDoseData)) {
        out.planes.push_back(readAccumulated(item, warnings));
    } else if (matches(concept, codes::IrradiationEventXRayData)) {
        out.events.push_back(readEvent(item, text, warnings));
    } else {
        readObserverContext(item, out.device, text);
    }
    if (item.relationship().empty())
        warnings.add("sr-structure", "content items without Relationship Type (a strict SR reader rejects this report)");
}

void extractRdsr(const SrItem& report, TextDecoder& text, DoseObject& out, WarningList& warnings) {
    for (const SrItem& item : report.children()) extractRdsrItem(item, text, out, warnings);
}

} // namespace fa::dicom
