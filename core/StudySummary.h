// The canonical study summary of domain.md, computed from every object received for a study.
#pragma once

#include "core/DoseObject.h"

#include <optional>
#include <string>
#include <vector>

namespace fa {

struct StudySummary {
    std::optional<long long> irradiationEvents;
    std::optional<long long> fluoroEvents;
    std::optional<long long> acquisitionEvents;
    std::optional<double> fluoroTime_s;
    std::optional<double> acquisitionTime_s;
    std::optional<double> exposureTime_s;
    std::optional<double> dap_Gym2;
    std::optional<double> doseRp_Gy;
    std::optional<double> frames;
    std::optional<int> planes;
    std::optional<SourceKind> source;        // highest-precedence kind the figures come from
    // From the device profile (shots x seconds per shot) when the images carry no exposure times.
    bool exposureTimeEstimated = false;
    // Exposure time x the dose-equivalent rate measured at the table (device profile), in uSv.
    std::optional<double> estimatedDose_uSv;
    // Peak skin dose of the study's dose reports (skin/, kept by the store beside the summary).
    std::optional<double> psd_Gy;
    std::vector<std::string> countedObjects; // SOP Instance UIDs whose figures are counted
    std::vector<Warning> warnings;           // study-level findings (overlapping reports, ...)
};

// `objects` in order of arrival (the latest last). Applies, in this order: dose reports over image
// headers; per device, RDSR over vendor summaries; a report whose events are all in another
// report of the same device is replaced by it (cumulative re-send; the later one wins a tie);
// what remains adds up, events counted once per Irradiation Event UID.
StudySummary summarize(const std::vector<DoseObject>& objects);
// The same without copies of the objects (a report or procedure step may hold 200,000 events).
StudySummary summarize(const std::vector<const DoseObject*>& objects);
std::vector<const DoseObject*> pointersTo(const std::vector<DoseObject>& objects);

// Figures of one object on its own (the rules of domain.md applied to a single object).
struct ObjectFigures {
    std::optional<double> fluoroTime_s;
    std::optional<double> acquisitionTime_s;
    std::optional<double> dap_Gym2;
    std::optional<double> doseRp_Gy;
    std::optional<double> frames;
};
ObjectFigures figuresOf(const DoseObject& object);

// Key under which an event is counted once: its UID, or for an event without UID a signature
// of its start, type and DAP with its position among equal signatures in its report.
std::vector<std::string> eventKeys(const DoseObject& object);

} // namespace fa
