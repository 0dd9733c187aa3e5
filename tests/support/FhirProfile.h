// Checks of FHIR JSON against HL7's Radiation Dose Summary IG, written from its profiles
// (input/fsh of HL7/fhir-radiation-dose-summary-ig 1.0.0: RadiationDoseSummary.fsh, Modality.fsh,
// IdentifiersCodes.fsh; the X-ray component slices and units from XRayRadiationDoseSummary.fsh of
// its STU1 ballot) and FHIR R4's JSON rules. Each problem names the element and what is wrong.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace fa::test {

// An Observation of the RadiationDoseSummary profile with the X-ray components.
std::vector<std::string> radiationDoseSummaryProblems(const Poco::JSON::Object::Ptr& observation);
// A Device of the ModalityDevice profile.
std::vector<std::string> modalityDeviceProblems(const Poco::JSON::Object::Ptr& device);
// A transaction Bundle: every entry with a fullUrl, resource and request, every urn:uuid reference
// resolved inside it, and each Observation and Device checked as above.
std::vector<std::string> transactionBundleProblems(const Poco::JSON::Object::Ptr& bundle);

// The problems as one text, for a test's message.
std::string joined(const std::vector<std::string>& problems);

} // namespace fa::test
