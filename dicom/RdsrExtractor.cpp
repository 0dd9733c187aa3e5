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

// One X-Ray Filters container: its material's minimum thickness added to the event's copper or
// aluminium (a wedge or strip counts where it is thinnest, as the beam's centre sees it).
void readFilter(const SrItem& container, IrradiationEvent& e, WarningList& w) {
    std::optional<double>* into = nullptr;
    std::optional<double> thickness;
    walk(container, [&](const SrItem& item) {
        const CodeRef concept = item.concept();
        if (matches(concept, codes::XRayFilterMaterial)) {
            const CodeRef m = item.codeValue();
            if (matches(m, codes::CopperSrt) || matches(m, codes::CopperSct)) into = &e.geometry.make().copper_mm;
            else if (matches(m, codes::AluminiumSrt) || matches(m, codes::AluminiumSct)) into = &e.geometry.make().aluminium_mm;
        } else if (matches(concept, codes::XRayFilterThicknessMinimum)) {
            thickness = readMeasurement(item, Quantity::Length, "mm", "X-Ray Filter Thickness Minimum", w);
        }
        return false;
    });
    if (into && thickness) *into = into->value_or(0.0) + *thickness;
}

// HF or FF, S or P from the event's Patient Table Relationship and Patient Orientation Modifier
// (which some reports nest under Patient Orientation).
void readPatientPosition(const SrItem& item, IrradiationEvent& event) {
    EventGeometry& e = event.geometry.make();
    if (e.patientPosition.empty()) e.patientPosition = "???";
    const CodeRef concept = item.concept(), value = item.codeValue();
    if (matches(concept, codes::PatientTableRelationship)) {
        if (matches(value, codes::HeadFirstSrt) || matches(value, codes::HeadFirstSct)) e.patientPosition.replace(0, 2, "HF");
        else if (matches(value, codes::FeetFirstSrt) || matches(value, codes::FeetFirstSct)) e.patientPosition.replace(0, 2, "FF");
    } else if (matches(concept, codes::PatientOrientationModifier)) {
        if (matches(value, codes::SupineSrt) || matches(value, codes::SupineSct)) e.patientPosition[2] = 'S';
        else if (matches(value, codes::ProneSrt) || matches(value, codes::ProneSct)) e.patientPosition[2] = 'P';
    } else if (matches(concept, codes::PatientOrientation)) {
        for (const SrItem& child : item.children()) readPatientPosition(child, event);
    }
}

// Its geometry beyond the angles (EventGeometry), made only for the events that have some.
struct GeometryNumber {
    NumericConcept concept;
    std::optional<double> EventGeometry::*field;
};
const GeometryNumber kGeometryNumbers[] = {
    {{&codes::PositionerPrimaryEndAngle, Quantity::Angle, "deg", "Positioner Primary End Angle"}, &EventGeometry::primaryEndAngle_deg},
    {{&codes::PositionerSecondaryEndAngle, Quantity::Angle, "deg", "Positioner Secondary End Angle"}, &EventGeometry::secondaryEndAngle_deg},
    {{&codes::DistanceSourceToIsocenter, Quantity::Length, "mm", "Distance Source to Isocenter"}, &EventGeometry::sourceToIsocenter_mm},
    {{&codes::DistanceSourceToDetector, Quantity::Length, "mm", "Distance Source to Detector"}, &EventGeometry::sourceToDetector_mm},
    {{&codes::DistanceSourceToReferencePoint, Quantity::Length, "mm", "Distance Source to Reference Point"}, &EventGeometry::sourceToReferencePoint_mm},
    {{&codes::TableLongitudinalPosition, Quantity::Length, "mm", "Table Longitudinal Position"}, &EventGeometry::tableLongitudinal_mm},
    {{&codes::TableLateralPosition, Quantity::Length, "mm", "Table Lateral Position"}, &EventGeometry::tableLateral_mm},
    {{&codes::TableHeightPosition, Quantity::Length, "mm", "Table Height Position"}, &EventGeometry::tableHeight_mm},
    {{&codes::TableHeadTiltAngle, Quantity::Angle, "deg", "Table Head Tilt Angle"}, &EventGeometry::tableHeadTilt_deg},
    {{&codes::TableHorizontalRotationAngle, Quantity::Angle, "deg", "Table Horizontal Rotation Angle"}, &EventGeometry::tableHorizontalRotation_deg},
    {{&codes::TableCradleTiltAngle, Quantity::Angle, "deg", "Table Cradle Tilt Angle"}, &EventGeometry::tableCradleTilt_deg},
    {{&codes::CollimatedFieldHeight, Quantity::Length, "mm", "Collimated Field Height"}, &EventGeometry::fieldHeight_mm},
    {{&codes::CollimatedFieldWidth, Quantity::Length, "mm", "Collimated Field Width"}, &EventGeometry::fieldWidth_mm},
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
            w.add("event-type-unknown",
                  fa::text("warn.eventTypeUnknown", {{"value", std::string(c.value)}, {"scheme", std::string(c.scheme)}}));
        }
    } else if (matches(concept, codes::AcquisitionProtocol)) {
        e.protocol = text.decode(item.textValue());
    } else if (matches(concept, codes::XRayFilters)) {
        readFilter(item, e, w);
    } else if (matches(concept, codes::ReferencePointDefinition)) {
        // a CID 10025 code, or (Philips) a TEXT such as "15cm below BeamIsocenter"
        if (std::string& rp = e.geometry.make().referencePoint; rp.empty())
            rp = item.valueType() == "CODE" ? std::string(item.codeValue().value) : text.decode(item.textValue());
    } else if (matches(concept, codes::PatientTableRelationship) || matches(concept, codes::PatientOrientation) ||
               matches(concept, codes::PatientOrientationModifier)) {
        readPatientPosition(item, e);
    } else {
        return false;
    }
    return true;
}

// Philips Allura and Azurion (RF-RDSR-Philips_Allura.dcm): Table Height Position as the private
// (021, 99PHI-IXR-XPER) instead of 113753; read as the standard one where that is absent.
bool quirkPhilipsTableHeight(const SrItem& item, IrradiationEvent& e, WarningList& w) {
    if (!matches(item.concept(), codes::PhilipsTableHeightPosition)) return false;
    if (auto& height = e.geometry.make().tableHeight_mm; !height)
        height = readMeasurement(item, Quantity::Length, "mm", "Table Height Position", w);
    return true;
}

IrradiationEvent readEvent(const SrItem& container, TextDecoder& text, WarningList& w) {
    IrradiationEvent e;
    bool typeSeen = false;
    walk(container, [&](const SrItem& item) {
        if (readEventAttribute(item, e, text, w, typeSeen)) return false;
        if (quirkPhilipsTableHeight(item, e, w)) return false;
        const CodeRef concept = item.concept();
        for (const auto& row : kEventNumbers) {
            if (!matches(concept, *row.concept.code)) continue;
            if (!(e.*row.field))
                e.*row.field = readMeasurement(item, row.concept.quantity, row.concept.standardUnit, row.concept.what, w);
            return false;
        }
        for (const auto& row : kGeometryNumbers) {
            if (!matches(concept, *row.concept.code)) continue;
            if (auto& field = e.geometry.make().*row.field; !field)
                field = readMeasurement(item, row.concept.quantity, row.concept.standardUnit, row.concept.what, w);
            return false;
        }
        return item.valueType() == "CONTAINER";
    });
    if (!typeSeen) w.add("event-type-missing", fa::text("warn.eventTypeMissing"));
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
        warnings.add("sr-structure", fa::text("warn.srStructure"));
}

void extractRdsr(const SrItem& report, TextDecoder& text, DoseObject& out, WarningList& warnings) {
    for (const SrItem& item : report.children()) extractRdsrItem(item, text, out, warnings);
}

} // namespace fa::dicom
