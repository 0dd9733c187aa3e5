// The stable JSON form of studies (documented in docs/json.md). Unknown values are null.
#pragma once

#include "store/StudyStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iosfwd>

namespace fa::present {

// A JSON object that keeps its keys in the order they are set (the documented order).
Poco::JSON::Object::Ptr jsonObject();

// Indented JSON and a newline, as every `--json` prints.
void printJson(std::ostream& out, const Poco::JSON::Array& value);
void printJson(std::ostream& out, const Poco::JSON::Object& value);

Poco::JSON::Object::Ptr studyToJson(const store::StudyRecord& study);
Poco::JSON::Array::Ptr flagsJson(const std::vector<StudyFlag>& flags);
// The study plus its events and source objects, as `show --json` prints it.
// An audit run as `audit runs --json` prints it.
Poco::JSON::Object::Ptr auditRunToJson(const store::AuditRun& run);
Poco::JSON::Object::Ptr studyDetailToJson(const store::StudyRecord& study, const std::vector<DoseObject>& objects);

} // namespace fa::present
