// An event's geometry (the skin dose's input) in one column of the events table: most events of
// image headers and MPPS have none, and a report's events are inserted hundreds at a time.
#pragma once

#include "core/DoseObject.h"

#include <string>
#include <string_view>

namespace fa::store {

// "" when the event has no geometry; else its numbers in a fixed order, '|'-separated (empty where
// absent, shortest exact decimal form), then the reference point and the patient position.
std::string encodeGeometry(const IrradiationEvent& e);
// Fills the geometry fields of `e` from `text` as encodeGeometry wrote it (fields a newer version
// appended are ignored; missing ones stay absent).
void decodeGeometry(std::string_view text, IrradiationEvent& e);

} // namespace fa::store
