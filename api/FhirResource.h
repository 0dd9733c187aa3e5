// The studies' dose as FHIR (docs/fhir.md): HL7 Radiation Dose Summary Observations, searched by
// study or by date, for the viewer role.
#pragma once

#include "api/Context.h"

namespace fa::api {

class FhirResource : public Call {
public:
    using Call::Call;
    // GET /api/fhir/Observation?study=UID | date=geYYYY-MM-DD&date=leYYYY-MM-DD [&_count=N&_offset=K]:
    // a searchset Bundle (gt, lt, eq or no prefix as FHIR's date search has them).
    ApiResponse search();
    // GET /api/fhir/Observation/UID: the study's Observation.
    ApiResponse read(const std::string& uid);
};

} // namespace fa::api
