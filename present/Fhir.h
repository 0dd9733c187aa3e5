// A study's dose as FHIR R4, after HL7's Radiation Dose Summary IG (docs/fhir.md): an Observation of
// the RadiationDoseSummary profile with the X-ray components (DAP, Ka,r, fluoroscopy and acquisition
// DAP, fluoroscopy time, frames) in UCUM units, and the Patient, ImagingStudy and Device it refers to.
// One builder for the command line (`fluoroaudit fhir`), the REST API and the push to a FHIR server.
#pragma once

#include "core/DoseObject.h"
#include "store/StudyStore.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::present {

namespace fhir {
inline constexpr const char* kDcm = "http://dicom.nema.org/resources/ontology/DCM";
inline constexpr const char* kUcum = "http://unitsofmeasure.org";
inline constexpr const char* kLoinc = "http://loinc.org";
inline constexpr const char* kIdType = "http://hl7.org/fhir/uv/radiation-dose-summary/CodeSystem/dicom-identifier-type";
inline constexpr const char* kV20203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr const char* kSummaryProfile =
    "http://hl7.org/fhir/uv/radiation-dose-summary/StructureDefinition/radiation-dose-summary";
inline constexpr const char* kDeviceProfile = "http://hl7.org/fhir/uv/radiation-dose-summary/StructureDefinition/modality-device";
inline constexpr const char* kPatientKeySystem = "urn:fluoroaudit:patient-key";
inline constexpr const char* kDataAbsent = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
} // namespace fhir

// What the FHIR forms of a study are made of beyond the study itself.
struct FhirStudy {
    const store::StudyRecord* study = nullptr;
    const std::vector<DoseObject>* objects = nullptr; // the study's source objects (store.objectsOf)
    // The patient as the site shows it: its ID (with issuer) where the store keeps identifiers,
    // else the pseudonymous key.
    bool patientIdentifiers = false;
};

// The study's figures the Observation carries, in the IG's units; unknown ones are left out.
struct FhirFigures {
    std::optional<double> dap_mGycm2, doseRp_mGy, fluoroDap_mGycm2, acquisitionDap_mGycm2, fluoroTime_s;
    std::optional<long long> frames;
};
FhirFigures fhirFigures(const store::StudyRecord& study, const std::vector<DoseObject>& objects);

// The Observation alone (references by identifier: the Patient, ImagingStudy and Device are not
// sent with it). Its id is the Study Instance UID.
Poco::JSON::Object::Ptr fhirObservation(const FhirStudy& study);

// A Bundle of the study's Observation with the resources it refers to: "transaction" (conditional
// create of Patient, ImagingStudy and Device, conditional update of the Observation by the study's
// identifier, so that sending a study again updates it) or "collection". Several studies may share
// one Bundle; resources named alike (one patient, one device) are sent once.
Poco::JSON::Object::Ptr fhirBundle(const std::vector<FhirStudy>& studies, const std::string& type);

// A searchset Bundle of Observations, as the REST API answers a search.
Poco::JSON::Object::Ptr fhirSearchBundle(const std::vector<Poco::JSON::Object::Ptr>& observations, const std::string& baseUrl,
                                         const std::string& selfUrl, std::size_t total, const std::string& nextUrl);

// An OperationOutcome with one issue (severity error), as FHIR servers answer a bad request.
Poco::JSON::Object::Ptr fhirOutcome(const std::string& code, const std::string& text);

// A FHIR dateTime of a study's local date and time: with the offset of the machine's time zone on
// that day when the time is known ("2026-11-20T09:15:00+08:00"), the date alone otherwise.
std::string fhirDateTime(const std::string& date, const std::string& time);

} // namespace fa::present
