#include "dicom/SrCodes.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmsr/codes/dcm.h"

#include <algorithm>
#include <cctype>

namespace fa::dicom {

namespace {

Code fromDcmtk(const DSRBasicCodedEntry& e) { return Code{e.CodeValue.c_str(), e.CodingSchemeDesignator.c_str()}; }

bool isSrtScheme(std::string_view s) { return s == "SRT" || s == "SNM3" || s == "99SDM"; }

bool sameScheme(std::string_view found, std::string_view wanted) {
    if (found == wanted) return true;
    return isSrtScheme(found) && isSrtScheme(wanted);
}

} // namespace

bool quirkSrtCodeUnderDcm(const CodeRef& found) {
    if (found.scheme != "DCM" || found.value.empty()) return false;
    return !std::all_of(found.value.begin(), found.value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
           found.value.find('-') != std::string_view::npos;
}

bool matches(const CodeRef& found, const Code& wanted) {
    if (found.value != wanted.value) return false;
    if (sameScheme(found.scheme, wanted.scheme)) return true;
    return isSrtScheme(wanted.scheme) && quirkSrtCodeUnderDcm(found);
}

namespace codes {
const Code XRayRadiationDoseReport = fromDcmtk(CODE_DCM_XRayRadiationDoseReport);
const Code AccumulatedXRayDoseData = fromDcmtk(CODE_DCM_AccumulatedXRayDoseData);
const Code IrradiationEventXRayData = fromDcmtk(CODE_DCM_IrradiationEventXRayData);
const Code AcquisitionPlane = fromDcmtk(CODE_DCM_AcquisitionPlane);
const Code PlaneA = fromDcmtk(CODE_DCM_PlaneA);
const Code PlaneB = fromDcmtk(CODE_DCM_PlaneB);
const Code SinglePlane = fromDcmtk(CODE_DCM_SinglePlane);
const Code AllPlanes = fromDcmtk(CODE_DCM_AllPlanes);
const Code DoseAreaProductTotal = fromDcmtk(CODE_DCM_DoseAreaProductTotal);
const Code DoseRpTotal = fromDcmtk(CODE_DCM_Dose_RP_Total);
const Code FluoroDoseAreaProductTotal = fromDcmtk(CODE_DCM_FluoroDoseAreaProductTotal);
const Code FluoroDoseRpTotal = fromDcmtk(CODE_DCM_FluoroDose_RP_Total);
const Code TotalFluoroTime = fromDcmtk(CODE_DCM_TotalFluoroTime);
const Code AcquisitionDoseAreaProductTotal = fromDcmtk(CODE_DCM_AcquisitionDoseAreaProductTotal);
const Code AcquisitionDoseRpTotal = fromDcmtk(CODE_DCM_AcquisitionDose_RP_Total);
const Code TotalAcquisitionTime = fromDcmtk(CODE_DCM_TotalAcquisitionTime);
const Code TotalNumberOfRadiographicFrames = fromDcmtk(CODE_DCM_TotalNumberOfRadiographicFrames);
const Code IrradiationEventUID = fromDcmtk(CODE_DCM_IrradiationEventUID);
const Code RetiredIrradiationEventUID = fromDcmtk(CODE_DCM_RETIRED_IrradiationEventUID);
const Code DateTimeStarted = fromDcmtk(CODE_DCM_DateTimeStarted);
const Code IrradiationEventType = fromDcmtk(CODE_DCM_IrradiationEventType);
const Code AcquisitionProtocol = fromDcmtk(CODE_DCM_AcquisitionProtocol);
const Code DoseAreaProduct = fromDcmtk(CODE_DCM_DoseAreaProduct);
const Code DoseRp = fromDcmtk(CODE_DCM_Dose_RP);
const Code KVP = fromDcmtk(CODE_DCM_KVP);
const Code XRayTubeCurrent = fromDcmtk(CODE_DCM_XRayTubeCurrent);
const Code AverageXRayTubeCurrent = fromDcmtk(CODE_DCM_AverageXRayTubeCurrent);
const Code NumberOfPulses = fromDcmtk(CODE_DCM_NumberOfPulses);
const Code PulseRate = fromDcmtk(CODE_DCM_PulseRate);
const Code IrradiationDuration = fromDcmtk(CODE_DCM_IrradiationDuration);
const Code ExposureTime = fromDcmtk(CODE_DCM_ExposureTime);
const Code RetiredExposureTime = fromDcmtk(CODE_DCM_RETIRED_ExposureTime);
const Code CollimatedFieldArea = fromDcmtk(CODE_DCM_CollimatedFieldArea);
const Code PositionerPrimaryAngle = fromDcmtk(CODE_DCM_PositionerPrimaryAngle);
const Code PositionerSecondaryAngle = fromDcmtk(CODE_DCM_PositionerSecondaryAngle);
const Code StationaryAcquisition = fromDcmtk(CODE_DCM_StationaryAcquisition_113611);
const Code SteppingAcquisition = fromDcmtk(CODE_DCM_SteppingAcquisition);
const Code RotationalAcquisition = fromDcmtk(CODE_DCM_RotationalAcquisition);
const Code DeviceObserverUID = fromDcmtk(CODE_DCM_DeviceObserverUID);
const Code DeviceObserverName = fromDcmtk(CODE_DCM_DeviceObserverName);
const Code DeviceObserverManufacturer = fromDcmtk(CODE_DCM_DeviceObserverManufacturer);
const Code DeviceObserverModelName = fromDcmtk(CODE_DCM_DeviceObserverModelName);
const Code DeviceObserverSerialNumber = fromDcmtk(CODE_DCM_DeviceObserverSerialNumber);

const Code PositionerPrimaryEndAngle = fromDcmtk(CODE_DCM_PositionerPrimaryEndAngle);
const Code PositionerSecondaryEndAngle = fromDcmtk(CODE_DCM_PositionerSecondaryEndAngle);
const Code DistanceSourceToIsocenter = fromDcmtk(CODE_DCM_DistanceSourceToIsocenter);
const Code DistanceSourceToDetector = fromDcmtk(CODE_DCM_DistanceSourceToDetector);
const Code DistanceSourceToReferencePoint = fromDcmtk(CODE_DCM_DistanceSourceToReferencePoint);
const Code TableLongitudinalPosition = fromDcmtk(CODE_DCM_TableLongitudinalPosition);
const Code TableLateralPosition = fromDcmtk(CODE_DCM_TableLateralPosition);
const Code TableHeightPosition = fromDcmtk(CODE_DCM_TableHeightPosition);
const Code TableHeadTiltAngle = fromDcmtk(CODE_DCM_TableHeadTiltAngle);
const Code TableHorizontalRotationAngle = fromDcmtk(CODE_DCM_TableHorizontalRotationAngle);
const Code TableCradleTiltAngle = fromDcmtk(CODE_DCM_TableCradleTiltAngle);
const Code CollimatedFieldHeight = fromDcmtk(CODE_DCM_CollimatedFieldHeight);
const Code CollimatedFieldWidth = fromDcmtk(CODE_DCM_CollimatedFieldWidth);
const Code XRayFilters = fromDcmtk(CODE_DCM_XRayFilters);
const Code XRayFilterMaterial = fromDcmtk(CODE_DCM_XRayFilterMaterial);
const Code XRayFilterThicknessMinimum = fromDcmtk(CODE_DCM_XRayFilterThicknessMinimum);
const Code ReferencePointDefinition = fromDcmtk(CODE_DCM_ReferencePointDefinition);
const Code PatientOrientation = fromDcmtk(CODE_DCM_PatientOrientation);
const Code PatientOrientationModifier = fromDcmtk(CODE_DCM_PatientOrientationModifier);
const Code PatientTableRelationship = fromDcmtk(CODE_DCM_PatientTableRelationship);
const Code PhilipsTableHeightPosition{"021", "99PHI-IXR-XPER"};
const Code CopperSrt{"C-127F9", "SRT"};
const Code CopperSct{"66925006", "SCT"};
const Code AluminiumSrt{"C-120F9", "SRT"};
const Code AluminiumSct{"12503006", "SCT"};
const Code HeadFirstSrt{"F-10470", "SRT"};
const Code HeadFirstSct{"102540008", "SCT"};
const Code FeetFirstSrt{"F-10480", "SRT"};
const Code FeetFirstSct{"102541007", "SCT"};
const Code SupineSrt{"F-10340", "SRT"};
const Code SupineSct{"40199007", "SCT"};
const Code ProneSrt{"F-10310", "SRT"};
const Code ProneSct{"1240000", "SCT"};

const Code FluoroscopySrt{"P5-06000", "SRT"};
const Code FluoroscopySct{"44491008", "SCT"};

const Code SiemensRadiationSummaryReport{"C-10", "99SMS_RADSUM"};
const Code SiemensTotalExposures{"C-200", "99SMS_RADSUM"};
const Code SiemensCumulativeFluoroTime{"C-202", "99SMS_RADSUM"};
const Code SiemensCumulativeDap{"C-204", "99SMS_RADSUM"};
const Code SiemensCumulativeAirKerma{"C-210", "99SMS_RADSUM"};
} // namespace codes

} // namespace fa::dicom
