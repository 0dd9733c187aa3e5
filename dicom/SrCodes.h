// Coded concepts of the dose templates, compared by code value and coding scheme, never by meaning
// (vendors misspell meanings). Taken from DCMTK's generated constants; the few that DCMTK 3.6.7
// lacks are defined here and nowhere else.
#pragma once

#include <string>
#include <string_view>

namespace fa::dicom {

struct Code {
    std::string value;
    std::string scheme;
};

// A code as found in a dataset (views into the dataset's own memory).
struct CodeRef {
    std::string_view value;
    std::string_view scheme;
    std::string_view meaning;
    bool empty() const { return value.empty(); }
};

// Same concept: equal value and equivalent scheme (SRT = SNM3; legacy SRT and SCT forms of one
// concept are listed as two codes and both tried by the caller).
bool matches(const CodeRef& found, const Code& wanted);

// Eurocolumbus writes SNOMED (SRT) code values under scheme DCM, e.g. C-120F9. A DCM code value is
// all digits; a value of SRT form under DCM is read as SRT.
bool quirkSrtCodeUnderDcm(const CodeRef& found);

namespace codes {
// TID 10001 / 10002 / 10003 (DCMTK dcmsr/codes/dcm.h)
extern const Code XRayRadiationDoseReport, AccumulatedXRayDoseData, IrradiationEventXRayData, AcquisitionPlane,
    PlaneA, PlaneB, SinglePlane, AllPlanes, DoseAreaProductTotal, DoseRpTotal, FluoroDoseAreaProductTotal,
    FluoroDoseRpTotal, TotalFluoroTime, AcquisitionDoseAreaProductTotal, AcquisitionDoseRpTotal, TotalAcquisitionTime,
    TotalNumberOfRadiographicFrames, IrradiationEventUID, RetiredIrradiationEventUID, DateTimeStarted,
    IrradiationEventType, AcquisitionProtocol, DoseAreaProduct, DoseRp, KVP, XRayTubeCurrent, AverageXRayTubeCurrent,
    NumberOfPulses, PulseRate, IrradiationDuration, ExposureTime, RetiredExposureTime, CollimatedFieldArea,
    PositionerPrimaryAngle, PositionerSecondaryAngle, StationaryAcquisition, SteppingAcquisition,
    RotationalAcquisition, DeviceObserverUID, DeviceObserverName, DeviceObserverManufacturer,
    DeviceObserverModelName, DeviceObserverSerialNumber;

// Geometry of an event (TID 10003 mechanical, distance and source content), for the skin dose.
extern const Code PositionerPrimaryEndAngle, PositionerSecondaryEndAngle, DistanceSourceToIsocenter,
    DistanceSourceToDetector, DistanceSourceToReferencePoint, TableLongitudinalPosition, TableLateralPosition,
    TableHeightPosition, TableHeadTiltAngle, TableHorizontalRotationAngle, TableCradleTiltAngle, CollimatedFieldHeight,
    CollimatedFieldWidth, XRayFilters, XRayFilterMaterial, XRayFilterThicknessMinimum, ReferencePointDefinition,
    PatientOrientation, PatientOrientationModifier, PatientTableRelationship;
// Philips Allura and Azurion write Table Height Position only under their private scheme.
extern const Code PhilipsTableHeightPosition;
// CID 10006 copper and aluminium (legacy SRT and current SCT), CID 19/20/21 patient position (SRT, SCT).
extern const Code CopperSrt, CopperSct, AluminiumSrt, AluminiumSct, HeadFirstSrt, HeadFirstSct, FeetFirstSrt,
    FeetFirstSct, SupineSrt, SupineSct, ProneSrt, ProneSct;

// Not in DCMTK 3.6.7: Fluoroscopy (CID 10002), legacy SRT and current SCT.
extern const Code FluoroscopySrt, FluoroscopySct;

// Siemens ARCADIS "Radiation Summary Report" (private scheme 99SMS_RADSUM).
extern const Code SiemensRadiationSummaryReport, SiemensTotalExposures, SiemensCumulativeFluoroTime,
    SiemensCumulativeDap, SiemensCumulativeAirKerma;
} // namespace codes

} // namespace fa::dicom
