// The JSON form of a follow-up of a substantial dose (docs/json.md), shared by the CLI and the API.
#pragma once

#include "store/StudyStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace fa::present {

// `today` (YYYY-MM-DD) decides open or overdue; patient name and ID only where `withPatient`.
Poco::JSON::Object::Ptr followUpJson(const store::FollowUp& f, const std::string& today, bool withPatient);
Poco::JSON::Array::Ptr followUpsJson(const std::vector<store::FollowUp>& list, const std::string& today, bool withPatient);

} // namespace fa::present
