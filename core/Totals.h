// Sums over the planes or events of one object, where each addend may be unknown: the sum of the
// known ones, or nullopt when none is known.
#pragma once

#include "core/DoseObject.h"

#include <optional>

namespace fa {

inline void addKnown(std::optional<double>& acc, const std::optional<double>& v) {
    if (v) acc = acc.value_or(0.0) + *v;
}

template <typename Value> std::optional<double> sumOverPlanes(const DoseObject& o, Value value) {
    std::optional<double> sum;
    for (const auto& p : o.planes) addKnown(sum, value(p));
    return sum;
}

template <typename Select, typename Value>
std::optional<double> sumOverEvents(const DoseObject& o, Select select, Value value) {
    std::optional<double> sum;
    for (const auto& e : o.events)
        if (select(e.type)) addKnown(sum, value(e));
    return sum;
}

inline bool anyEvent(EventType) { return true; }
inline bool isFluoroscopy(EventType t) { return t == EventType::Fluoroscopy; }

} // namespace fa
