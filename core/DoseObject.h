// What one received DICOM object says about radiation dose, in SI units.
// Produced by the extractors in dicom/, kept by store/, summarised by StudySummary.
#pragma once

#include "core/Box.h"
#include "core/Warning.h"

#include <optional>
#include <string>
#include <vector>

namespace fa {

enum class SourceKind { Rdsr, VendorSummary, ImageHeaders, Mpps };
enum class EventType { Unknown, Fluoroscopy, StationaryAcquisition, SteppingAcquisition, RotationalAcquisition };
enum class Plane { Unknown, Single, A, B, All };

const char* toString(SourceKind kind);  // "rdsr", "vendor-summary", "image-headers", "mpps"
const char* toString(EventType type);   // "fluoroscopy", "stationary-acquisition", ...
const char* toString(Plane plane);      // "single", "A", "B", "all", "unknown"
SourceKind sourceKindFromString(const std::string& s);
EventType eventTypeFromString(const std::string& s);
Plane planeFromString(const std::string& s);

bool isAcquisition(EventType type);

struct DeviceInfo {
    std::string manufacturer;
    std::string model;
    std::string serial;
    std::string station;
    std::string observerUid; // Device Observer UID of the dose report, when given

    // Identifies one piece of equipment across objects: the observer UID when known,
    // else manufacturer, model, serial and station.
    std::string key() const;
};

struct StudyInfo {
    std::string studyUid;
    std::string studyDate;   // YYYY-MM-DD, empty if unknown
    std::string studyTime;   // HH:MM:SS, empty if unknown
    std::string accessionNumber;
    std::string studyDescription;
    std::string requestedProcedure;
    std::string performedProcedure;
    std::string protocolName;
    std::vector<std::string> procedureCodes; // "SCHEME:VALUE"
    std::string operators; // Operators' Name and Performing Physician's Name, "; "-separated
    std::string patientId;
    std::string issuerOfPatientId;
    std::string patientName;
    std::string patientBirthDate; // YYYY-MM-DD
    std::string patientSex;
};

// Where an event's beam was (TID 10003 mechanical, distance and source content, mm and degrees), for
// the skin dose. Only dose reports carry it.
struct EventGeometry {
    std::optional<double> primaryEndAngle_deg;
    std::optional<double> secondaryEndAngle_deg;
    std::optional<double> sourceToIsocenter_mm;
    std::optional<double> sourceToDetector_mm;
    std::optional<double> sourceToReferencePoint_mm;
    std::optional<double> tableLongitudinal_mm;
    std::optional<double> tableLateral_mm;
    std::optional<double> tableHeight_mm;
    std::optional<double> tableHeadTilt_deg;
    std::optional<double> tableHorizontalRotation_deg;
    std::optional<double> tableCradleTilt_deg;
    std::optional<double> fieldHeight_mm; // Collimated Field Height and Width (at the image receptor)
    std::optional<double> fieldWidth_mm;
    std::optional<double> copper_mm;    // added filtration: the sum of the filters' minimum thickness
    std::optional<double> aluminium_mm;
    std::string referencePoint; // Reference Point Definition: a CID 10025 code value, or the text written
    std::string patientPosition; // HFS, FFS, HFP, FFP; a letter '?' where the report is silent; "" when all is
};

// One irradiation event (TID 10003), or one image / cine run for image headers.
struct IrradiationEvent {
    std::string uid; // empty when the report gives none
    EventType type = EventType::Unknown;
    Plane plane = Plane::Unknown;
    std::string startedAt; // ISO 8601 local date-time, empty if unknown
    std::string protocol;
    std::optional<double> dap_Gym2;
    std::optional<double> doseRp_Gy;
    std::optional<double> kvp_kV;
    std::optional<double> tubeCurrent_mA;
    std::optional<double> pulses;
    std::optional<double> pulseRate_per_s;
    std::optional<double> irradiationDuration_s;
    std::optional<double> exposureTime_s;
    std::optional<double> fieldArea_m2;
    std::optional<double> primaryAngle_deg;
    std::optional<double> secondaryAngle_deg;
    std::optional<double> frames;
    // Geometry beyond the angles (reports only), for the skin dose.
    Box<EventGeometry> geometry;

    // Irradiation Duration, else Number of Pulses / Pulse Rate.
    std::optional<double> duration_s() const;
};

// Accumulated X-Ray Dose (TID 10002 / 10004 / 10007): one per plane.
struct PlaneTotals {
    Plane plane = Plane::Unknown;
    std::optional<double> dapTotal_Gym2;
    std::optional<double> doseRpTotal_Gy;
    std::optional<double> fluoroDapTotal_Gym2;
    std::optional<double> fluoroDoseRpTotal_Gy;
    std::optional<double> acquisitionDapTotal_Gym2;
    std::optional<double> acquisitionDoseRpTotal_Gy;
    std::optional<double> fluoroTime_s;
    std::optional<double> acquisitionTime_s;
    std::optional<double> frames;

    std::optional<double> dap_Gym2() const;   // total, else fluoro + acquisition
    std::optional<double> doseRp_Gy() const;  // likewise
};

// Totals of a vendor summary report that lists no events (Siemens ARCADIS), or of a completed
// Modality Performed Procedure Step's Radiation Dose module.
struct VendorTotals {
    std::optional<double> exposures;     // radiographic exposures (acquisitions)
    std::optional<double> fluoroTime_s;
    std::optional<double> dap_Gym2;
    std::optional<double> doseRp_Gy;
};

// Study totals a device writes into each of its images as the procedure goes on (GE's DL
// platform: private group 0015): running totals, of which the latest (highest) count.
struct RunningTotals {
    std::optional<double> doseRp_Gy;
    std::optional<double> dap_Gym2;
    std::optional<double> fluoroDap_Gym2;
    std::optional<double> fluoroTime_s;
    std::optional<double> acquisitionDap_Gym2;
    std::optional<double> acquisitionTime_s;

    std::optional<double> studyDap_Gym2() const; // the study DAP, else fluoroscopy + record DAP
};

struct DoseObject {
    std::string sopInstanceUid;
    std::string sopClassUid;
    std::string seriesUid;
    SourceKind kind = SourceKind::Rdsr;
    StudyInfo study;
    DeviceInfo device;
    std::vector<PlaneTotals> planes;
    std::vector<IrradiationEvent> events;
    std::optional<VendorTotals> vendor;
    // Study-level values written into image headers: Total Time of Fluoroscopy (0040,0300)
    // and Total Number of Exposures (0040,0301).
    std::optional<double> headerFluoroTime_s;
    std::optional<double> headerExposures;
    std::optional<RunningTotals> runningTotals;
    // Patient's Size (0010,1020) and Weight (0010,1030) from the header, for the skin-dose phantom; a
    // zero written for unknown is left out.
    std::optional<double> patientHeight_m;
    std::optional<double> patientWeight_kg;
    std::vector<Warning> warnings;
};

} // namespace fa
