#include "core/StudySummary.h"

#include "core/Totals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace fa {

namespace {

// Time of one kind from the events: a report that lists events, none of this kind, says it is zero.
template <typename Select> std::optional<double> eventTime(const DoseObject& o, Select select) {
    const bool anySelected = std::any_of(o.events.begin(), o.events.end(), [&](const auto& e) { return select(e.type); });
    if (!anySelected && !o.events.empty()) return 0.0;
    return sumOverEvents(o, select, [](const IrradiationEvent& e) { return e.duration_s(); });
}

ObjectFigures rdsrFigures(const DoseObject& o) {
    ObjectFigures f;
    f.fluoroTime_s = sumOverPlanes(o, [](const PlaneTotals& p) { return p.fluoroTime_s; });
    if (!f.fluoroTime_s) f.fluoroTime_s = eventTime(o, isFluoroscopy);
    f.acquisitionTime_s = sumOverPlanes(o, [](const PlaneTotals& p) { return p.acquisitionTime_s; });
    if (!f.acquisitionTime_s) f.acquisitionTime_s = eventTime(o, isAcquisition);
    f.dap_Gym2 = sumOverPlanes(o, [](const PlaneTotals& p) { return p.dap_Gym2(); });
    if (!f.dap_Gym2) f.dap_Gym2 = sumOverEvents(o, anyEvent, [](const IrradiationEvent& e) { return e.dap_Gym2; });
    f.doseRp_Gy = sumOverPlanes(o, [](const PlaneTotals& p) { return p.doseRp_Gy(); });
    if (!f.doseRp_Gy) f.doseRp_Gy = sumOverEvents(o, anyEvent, [](const IrradiationEvent& e) { return e.doseRp_Gy; });
    f.frames = sumOverPlanes(o, [](const PlaneTotals& p) { return p.frames; });
    return f;
}

ObjectFigures imageFigures(const DoseObject& o) {
    ObjectFigures f;
    for (const auto& e : o.events) {
        addKnown(f.acquisitionTime_s, e.duration_s());
        addKnown(f.dap_Gym2, e.dap_Gym2);
        addKnown(f.doseRp_Gy, e.doseRp_Gy);
        addKnown(f.frames, e.frames);
    }
    return f;
}

bool isSubset(const std::set<std::string>& a, const std::set<std::string>& b) {
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

bool intersects(const std::set<std::string>& a, const std::set<std::string>& b) {
    for (const auto& k : a)
        if (b.count(k)) return true;
    return false;
}

// Vendor summaries list no events: of two from one device, the one whose every known total is at
// least the other's is the later cumulative state.
bool dominates(const VendorTotals& a, const VendorTotals& b) {
    auto geq = [](const std::optional<double>& x, const std::optional<double>& y) {
        return !y || (x && *x >= *y);
    };
    return geq(a.exposures, b.exposures) && geq(a.fluoroTime_s, b.fluoroTime_s) && geq(a.dap_Gym2, b.dap_Gym2) &&
           geq(a.doseRp_Gy, b.doseRp_Gy);
}

struct Candidate {
    const DoseObject* object;
    std::size_t arrival;
    std::set<std::string> keys;
};

// Keeps, of one device's RDSRs, those not contained in another; warns where kept ones overlap.
std::vector<Candidate> keepRdsrs(std::vector<Candidate> reports, std::vector<Warning>& warnings) {
    std::sort(reports.begin(), reports.end(), [](const Candidate& a, const Candidate& b) {
        if (a.keys.size() != b.keys.size()) return a.keys.size() > b.keys.size();
        return a.arrival > b.arrival;
    });
    std::vector<Candidate> kept;
    for (auto& r : reports) {
        const bool contained =
            std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) { return isSubset(r.keys, k.keys); });
        if (contained) continue;
        for (const auto& k : kept) {
            if (intersects(r.keys, k.keys)) {
                warnings.push_back(warning("overlapping-reports",
                                           text("warn.overlappingReports", {{"first", r.object->sopInstanceUid},
                                                                            {"second", k.object->sopInstanceUid}})));
            }
        }
        kept.push_back(std::move(r));
    }
    return kept;
}

std::vector<Candidate> keepVendorSummaries(std::vector<Candidate> reports) {
    std::vector<Candidate> kept;
    // Latest first, so that of two equal summaries the later one is kept.
    std::sort(reports.begin(), reports.end(), [](const Candidate& a, const Candidate& b) { return a.arrival > b.arrival; });
    for (auto& r : reports) {
        const VendorTotals rv = r.object->vendor.value_or(VendorTotals{});
        bool covered = false;
        for (auto& k : kept) {
            const VendorTotals kv = k.object->vendor.value_or(VendorTotals{});
            if (dominates(kv, rv)) {
                covered = true;
                break;
            }
            if (dominates(rv, kv)) {
                k = r;
                covered = true;
                break;
            }
        }
        if (!covered) kept.push_back(r);
    }
    return kept;
}

// Per device the highest of each running total its images carry (the latest), added over devices.
std::optional<RunningTotals> latestRunningTotals(const std::vector<const DoseObject*>& images) {
    std::map<std::string, RunningTotals> byDevice;
    auto highest = [](std::optional<double>& into, const std::optional<double>& v) {
        if (v && (!into || *v > *into)) into = v;
    };
    for (const auto* o : images) {
        if (!o->runningTotals) continue;
        RunningTotals& t = byDevice[o->device.key()];
        const RunningTotals& r = *o->runningTotals;
        highest(t.doseRp_Gy, r.doseRp_Gy);
        highest(t.dap_Gym2, r.dap_Gym2);
        highest(t.fluoroDap_Gym2, r.fluoroDap_Gym2);
        highest(t.fluoroTime_s, r.fluoroTime_s);
        highest(t.acquisitionDap_Gym2, r.acquisitionDap_Gym2);
        highest(t.acquisitionTime_s, r.acquisitionTime_s);
    }
    if (byDevice.empty()) return std::nullopt;
    RunningTotals sum;
    for (const auto& [device, t] : byDevice) {
        addKnown(sum.doseRp_Gy, t.doseRp_Gy);
        addKnown(sum.dap_Gym2, t.studyDap_Gym2());
        addKnown(sum.fluoroTime_s, t.fluoroTime_s);
        addKnown(sum.acquisitionTime_s, t.acquisitionTime_s);
    }
    return sum;
}

// Studies with images only: each image (run) is a shot, its header figures add up; running totals
// the device wrote into its images (a vendor's study summary) take precedence over those sums.
void summariseImages(const std::vector<const DoseObject*>& images, StudySummary& s) {
    ObjectFigures total;
    std::optional<double> headerExposures;
    long long runs = 0;
    for (const auto* o : images) {
        const ObjectFigures f = imageFigures(*o);
        addKnown(total.acquisitionTime_s, f.acquisitionTime_s);
        addKnown(total.dap_Gym2, f.dap_Gym2);
        addKnown(total.doseRp_Gy, f.doseRp_Gy);
        addKnown(total.frames, f.frames);
        if (o->headerFluoroTime_s) s.fluoroTime_s = std::max(s.fluoroTime_s.value_or(0.0), *o->headerFluoroTime_s);
        if (o->headerExposures) headerExposures = std::max(headerExposures.value_or(0.0), *o->headerExposures);
        if (!o->events.empty()) ++runs; // a screen capture carrying totals is no shot
        s.countedObjects.push_back(o->sopInstanceUid);
    }
    long long shots = runs;
    if (headerExposures && *headerExposures > static_cast<double>(shots)) shots = static_cast<long long>(*headerExposures);
    s.irradiationEvents = shots;
    s.acquisitionEvents = runs;
    s.acquisitionTime_s = total.acquisitionTime_s;
    s.dap_Gym2 = total.dap_Gym2;
    s.doseRp_Gy = total.doseRp_Gy;
    s.frames = total.frames;
    s.source = SourceKind::ImageHeaders;
    if (const auto t = latestRunningTotals(images)) {
        if (t->dap_Gym2 && total.dap_Gym2 && *t->dap_Gym2 > 0 &&
            std::abs(*total.dap_Gym2 - *t->dap_Gym2) > 0.2 * *t->dap_Gym2) {
            auto format = [](double v) {
                char out[32];
                std::snprintf(out, sizeof out, "%.4g", v);
                return std::string(out);
            };
            s.warnings.push_back(warning("image-sums-differ", text("warn.imageSumsDiffer",
                                                                   {{"images", format(*total.dap_Gym2 * 1e4)},
                                                                    {"device", format(*t->dap_Gym2 * 1e4)}})));
        }
        if (t->dap_Gym2) s.dap_Gym2 = t->dap_Gym2;
        if (t->doseRp_Gy) s.doseRp_Gy = t->doseRp_Gy;
        if (t->fluoroTime_s) s.fluoroTime_s = t->fluoroTime_s;
        if (t->acquisitionTime_s) s.acquisitionTime_s = t->acquisitionTime_s;
        if (runs == 0 && shots == 0) s.irradiationEvents.reset(); // a dose screen alone: shots unknown
        s.source = SourceKind::VendorSummary;
    }
    if (s.fluoroTime_s || s.acquisitionTime_s)
        s.exposureTime_s = s.fluoroTime_s.value_or(0.0) + s.acquisitionTime_s.value_or(0.0);
}

} // namespace

std::vector<std::string> eventKeys(const DoseObject& object) {
    std::vector<std::string> keys;
    keys.reserve(object.events.size());
    std::map<std::string, int> seen;
    for (const auto& e : object.events) {
        if (!e.uid.empty()) {
            keys.push_back(e.uid);
            continue;
        }
        char dap[32] = "";
        if (e.dap_Gym2) std::snprintf(dap, sizeof dap, "%.9g", *e.dap_Gym2);
        std::string sig = "no-uid|" + e.startedAt + "|" + toString(e.type) + "|" + dap;
        const int n = seen[sig]++;
        keys.push_back(sig + "|" + std::to_string(n));
    }
    return keys;
}

ObjectFigures figuresOf(const DoseObject& object) {
    switch (object.kind) {
    case SourceKind::Rdsr: return rdsrFigures(object);
    case SourceKind::ImageHeaders: return imageFigures(object);
    case SourceKind::VendorSummary:
    case SourceKind::Mpps: {
        ObjectFigures f;
        if (object.vendor) {
            f.fluoroTime_s = object.vendor->fluoroTime_s;
            f.dap_Gym2 = object.vendor->dap_Gym2;
            f.doseRp_Gy = object.vendor->doseRp_Gy;
        }
        return f;
    }
    }
    return {};
}

namespace {

// The dose reports by device (RDSRs and vendor summaries apart); image headers and procedure
// steps aside.
struct Sorted {
    std::vector<const DoseObject*> images;
    std::map<std::string, std::vector<Candidate>> rdsrByDevice, vendorByDevice;
    std::vector<Candidate> steps; // completed MPPS with their Radiation Dose module
};

Sorted sortByKind(const std::vector<const DoseObject*>& objects) {
    Sorted out;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        const auto& o = *objects[i];
        if (o.kind == SourceKind::ImageHeaders) {
            out.images.push_back(&o);
            continue;
        }
        Candidate c{&o, i, {}};
        if (o.kind == SourceKind::Mpps) {
            out.steps.push_back(std::move(c));
            continue;
        }
        if (o.kind == SourceKind::Rdsr) {
            const auto keys = eventKeys(o);
            c.keys.insert(keys.begin(), keys.end());
            out.rdsrByDevice[o.device.key()].push_back(std::move(c));
        } else {
            out.vendorByDevice[o.device.key()].push_back(std::move(c));
        }
    }
    return out;
}

// The reports whose figures count, in order of arrival: per device its RDSRs (re-sends and
// supersets resolved), else its vendor summaries.
std::vector<Candidate> countedReports(Sorted& sorted, std::vector<Warning>& warnings) {
    std::vector<Candidate> kept;
    for (auto& [device, reports] : sorted.rdsrByDevice)
        for (auto& c : keepRdsrs(std::move(reports), warnings)) kept.push_back(std::move(c));
    for (auto& [device, reports] : sorted.vendorByDevice) {
        if (sorted.rdsrByDevice.count(device)) continue; // the device's RDSR takes precedence
        for (auto& c : keepVendorSummaries(std::move(reports))) kept.push_back(std::move(c));
    }
    std::sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) { return a.arrival < b.arrival; });
    return kept;
}

// Distinct events (by key) over the counted reports, and their totals.
struct Tally {
    std::set<std::string> all, fluoro, acquisition;
    std::optional<long long> vendorExposures;
    bool anyRdsr = false, anyVendor = false;
    ObjectFigures total;

    void add(const DoseObject& o, StudySummary& s) {
        const ObjectFigures f = figuresOf(o);
        addKnown(total.fluoroTime_s, f.fluoroTime_s);
        addKnown(total.acquisitionTime_s, f.acquisitionTime_s);
        addKnown(total.dap_Gym2, f.dap_Gym2);
        addKnown(total.doseRp_Gy, f.doseRp_Gy);
        addKnown(total.frames, f.frames);
        if (o.kind == SourceKind::Rdsr) {
            anyRdsr = true;
            if (!o.planes.empty()) s.planes = s.planes.value_or(0) + static_cast<int>(o.planes.size());
            const auto keys = eventKeys(o);
            for (std::size_t i = 0; i < keys.size(); ++i) {
                if (!all.insert(keys[i]).second) continue;
                if (o.events[i].type == EventType::Fluoroscopy) fluoro.insert(keys[i]);
                if (isAcquisition(o.events[i].type)) acquisition.insert(keys[i]);
            }
        } else {
            anyVendor |= o.kind == SourceKind::VendorSummary;
            if (o.vendor && o.vendor->exposures)
                vendorExposures = vendorExposures.value_or(0) + static_cast<long long>(*o.vendor->exposures);
        }
    }

    void writeTo(StudySummary& s) const {
        if (anyRdsr) {
            s.irradiationEvents = static_cast<long long>(all.size());
            s.fluoroEvents = static_cast<long long>(fluoro.size());
            s.acquisitionEvents = static_cast<long long>(acquisition.size());
            if (vendorExposures) *s.acquisitionEvents += *vendorExposures;
            s.source = SourceKind::Rdsr;
        } else if (anyVendor) {
            // A vendor summary counts exposures but not fluoroscopy shots: the shot count is unknown.
            s.acquisitionEvents = vendorExposures;
            s.source = SourceKind::VendorSummary;
        } else {
            // Procedure steps: Total Number of Exposures is the step's count of irradiations.
            s.irradiationEvents = vendorExposures;
            s.source = SourceKind::Mpps;
        }
        s.fluoroTime_s = total.fluoroTime_s;
        s.acquisitionTime_s = total.acquisitionTime_s;
        s.dap_Gym2 = total.dap_Gym2;
        s.doseRp_Gy = total.doseRp_Gy;
        s.frames = total.frames;
        if (s.fluoroTime_s || s.acquisitionTime_s)
            s.exposureTime_s = s.fluoroTime_s.value_or(0.0) + s.acquisitionTime_s.value_or(0.0);
    }
};

} // namespace

std::vector<const DoseObject*> pointersTo(const std::vector<DoseObject>& objects) {
    std::vector<const DoseObject*> all;
    all.reserve(objects.size());
    for (const auto& o : objects) all.push_back(&o);
    return all;
}

StudySummary summarize(const std::vector<DoseObject>& objects) { return summarize(pointersTo(objects)); }

StudySummary summarize(const std::vector<const DoseObject*>& objects) {
    StudySummary s;
    Sorted sorted = sortByKind(objects);
    // Precedence: RDSR, vendor summaries (a device's running totals in its images among them),
    // completed procedure steps, then the images' own sums.
    const bool reports = !sorted.rdsrByDevice.empty() || !sorted.vendorByDevice.empty();
    const bool imageTotals = std::any_of(sorted.images.begin(), sorted.images.end(),
                                         [](const DoseObject* o) { return o->runningTotals.has_value(); });
    if (!reports && (sorted.steps.empty() || imageTotals)) {
        if (!sorted.images.empty()) summariseImages(sorted.images, s);
        return s;
    }
    Tally tally;
    // A step counts only while the study has no dose report; each step once (its latest state).
    std::vector<Candidate> counted = reports ? countedReports(sorted, s.warnings) : sorted.steps;
    for (const auto& c : counted) {
        s.countedObjects.push_back(c.object->sopInstanceUid);
        tally.add(*c.object, s);
    }
    tally.writeTo(s);
    return s;
}

} // namespace fa
