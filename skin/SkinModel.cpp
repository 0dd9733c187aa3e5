#include "skin/SkinModel.h"

#include "core/Error.h"
#include "skin/Beam.h"
#include "skin/Corrections.h"
#include "skin/Vendors.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace fa::skin {

namespace {

std::string number(double v, const char* format = "%g") {
    char text[48];
    std::snprintf(text, sizeof text, format, v);
    return text;
}

// Source to reference point (mm) by the event's Reference Point Definition; `assumed` says when
// the definition was not understood.
std::optional<double> referenceDistance(const EventGeometry& g, double sourceToIsocentre, bool& assumed) {
    if (g.sourceToReferencePoint_mm) return g.sourceToReferencePoint_mm;
    const std::string& rp = g.referencePoint;
    if (rp == "113861" && g.sourceToDetector_mm) return *g.sourceToDetector_mm - 300.0; // 30 cm in front of the detector
    if (rp == "113860" || rp.find("15cm") != std::string::npos || rp.find("15 cm") != std::string::npos)
        return sourceToIsocentre - 150.0;
    assumed = true;
    return sourceToIsocentre - 150.0;
}

// An event's geometry, or none (all absent).
const EventGeometry& geometryOf(const IrradiationEvent& e) {
    static const EventGeometry kNone;
    return e.geometry ? *e.geometry : kNone;
}

struct Usable {
    const IrradiationEvent* event;
    double sourceToIsocentre_mm;
};

} // namespace

SkinDoseResult computeSkinDose(const std::vector<const DoseObject*>& objects, const Options& options) {
    SkinDoseResult r;
    r.model = kModelVersion;
    const DoseObject* first = nullptr;
    std::vector<const IrradiationEvent*> events;
    std::optional<double> height_m, mass_kg;
    for (const DoseObject* o : objects) {
        if (!height_m) height_m = o->patientHeight_m;
        if (!mass_kg) mass_kg = o->patientWeight_kg;
        if (o->kind != SourceKind::Rdsr || o->events.empty()) continue;
        if (!first) first = o;
        for (const auto& e : o->events)
            if (e.doseRp_Gy && *e.doseRp_Gy > 0) events.push_back(&e);
    }
    if (!first) {
        r.missing = {"no-report", {},
                     "no dose report with irradiation events (image headers, procedure steps and vendor summaries carry "
                     "no beam geometry)"};
        return r;
    }
    if (events.empty()) {
        r.missing = {"no-dose", {}, "no irradiation event with a Dose (RP) above zero"};
        return r;
    }
    const std::size_t withAngle = static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [](const IrradiationEvent* e) { return e->primaryAngle_deg.has_value(); }));
    if (withAngle == 0) {
        r.missing = {"no-angles", {{"events", std::to_string(events.size())}, {"object", first->sopInstanceUid}},
                     "Positioner Primary Angle not given (or 'value unknown') in any of the " + std::to_string(events.size()) +
                         " irradiation events of " + first->sopInstanceUid};
        return r;
    }
    std::vector<Usable> usable;
    for (const IrradiationEvent* e : events) {
        if (!e->primaryAngle_deg) continue;
        std::optional<double> dsi = geometryOf(*e).sourceToIsocenter_mm;
        if (!dsi && geometryOf(*e).sourceToReferencePoint_mm && (geometryOf(*e).referencePoint == "113860" || geometryOf(*e).referencePoint.find("15") != std::string::npos))
            dsi = *geometryOf(*e).sourceToReferencePoint_mm + 150.0;
        if (dsi && *dsi > 200) usable.push_back({e, *dsi});
    }
    if (usable.empty()) {
        r.missing = {"no-distance", {{"events", std::to_string(events.size())}, {"object", first->sopInstanceUid}},
                     "no Distance Source to Isocenter (nor a Distance Source to Reference Point 15 cm from it) in any of the " +
                         std::to_string(events.size()) + " irradiation events of " + first->sopInstanceUid};
        return r;
    }

    const Normalisation norm = normalisationFor(first->device);
    r.normalisation = norm.name;
    std::vector<SkinNote>& said = r.assumptions;
    auto assume = [&said](SkinNote note) {
        if (std::none_of(said.begin(), said.end(), [&](const SkinNote& n) { return n.text == note.text; }))
            said.push_back(std::move(note));
    };
    if (!norm.assumption.empty()) assume(norm.assumption);

    const double height_cm = height_m ? *height_m * 100 : kReferenceHeight_cm;
    const double mass = mass_kg.value_or(kReferenceMass_kg);
    if (!height_m || !mass_kg)
        assume({!height_m && !mass_kg ? "patient-size" : !height_m ? "patient-height" : "patient-weight", {},
                std::string("patient ") + (!height_m && !mass_kg ? "height and weight" : !height_m ? "height" : "weight") +
                    " not in the reports: the reference man's " + (!height_m ? "178.6 cm" : "") +
                    (!height_m && !mass_kg ? " and " : "") + (!mass_kg ? "73.2 kg" : "") + " used"});
    const Phantom phantom = bodyPhantom(height_cm, mass);
    r.phantom = phantom.description + (!height_m || !mass_kg ? " (reference man where not reported)" : "");

    // Patient position: the first event that gives one.
    std::string position;
    for (const auto& u : usable)
        if (!geometryOf(*u.event).patientPosition.empty()) {
            position = geometryOf(*u.event).patientPosition;
            break;
        }
    if (position.empty()) position = "???";
    const bool prone = position[2] == 'P';
    if (position.find('?') != std::string::npos)
        assume({"patient-position", {{"position", position}},
                "patient position not fully reported (" + position + "): head first supine assumed where unsaid"});

    // The event with the highest Ka,r is where the patient is centred.
    const Usable* anchor = &*std::max_element(usable.begin(), usable.end(), [](const Usable& a, const Usable& b) {
        return *a.event->doseRp_Gy < *b.event->doseRp_Gy;
    });
    const TablePlacement at = norm.place(geometryOf(*anchor->event));

    std::vector<double> dose(phantom.cells.size(), 0.0);
    double dapAll = 0, dapHit = 0;
    std::size_t skipped = 0;
    for (const Usable& u : usable) {
        const IrradiationEvent& e = *u.event;
        const EventGeometry& g = geometryOf(e);
        const double kerma = *e.doseRp_Gy;
        bool rpAssumed = false;
        const double dref_mm = *referenceDistance(g, u.sourceToIsocentre_mm, rpAssumed);
        if (rpAssumed)
            assume({"reference-point", {{"definition", g.referencePoint}},
                    "Reference Point Definition '" + g.referencePoint +
                        "' not understood: 15 cm from the isocentre towards the source assumed"});
        // The field at the reference point: its area from DAP / Ka,r, its shape from the collimated field.
        double area_cm2 = 0;
        if (e.dap_Gym2 && *e.dap_Gym2 > 0) {
            area_cm2 = *e.dap_Gym2 / kerma * 1e4;
        } else if (g.sourceToDetector_mm && (e.fieldArea_m2 || (g.fieldHeight_mm && g.fieldWidth_mm))) {
            const double atDetector = g.fieldHeight_mm && g.fieldWidth_mm ? *g.fieldHeight_mm * *g.fieldWidth_mm / 100.0
                                                                          : *e.fieldArea_m2 * 1e4;
            area_cm2 = atDetector * std::pow(dref_mm / *g.sourceToDetector_mm, 2);
            assume({"field-collimated", {}, "an event without DAP: its field taken from the collimated field at the detector"});
        }
        if (!(area_cm2 > 0)) {
            ++skipped;
            continue;
        }
        const double aspect = g.fieldHeight_mm && g.fieldWidth_mm && *g.fieldHeight_mm > 0 && *g.fieldWidth_mm > 0
                                  ? *g.fieldWidth_mm / *g.fieldHeight_mm
                                  : 1.0;
        const double along_cm = std::sqrt(area_cm2 / aspect), across_cm = along_cm * aspect;
        if (e.dap_Gym2) dapAll += *e.dap_Gym2;

        const double kvp = e.kvp_kV.value_or(options.defaultKvp);
        if (!e.kvp_kV)
            assume({"kvp", {{"kv", number(options.defaultKvp)}}, "an event without KVP: " + number(options.defaultKvp) + " kV assumed"});
        const double copper = g.copper_mm.value_or(0.0);
        const auto measured = measuredTableTransmission(norm.family, kvp, copper);
        if (!measured)
            assume({"table-transmission", {{"device", norm.name}, {"transmission", number(kDefaultTableTransmission)}},
                    "no measured table and mattress transmission for " + norm.name + ": " +
                        number(kDefaultTableTransmission) + " assumed"});
        if ((g.tableHeadTilt_deg && std::fabs(*g.tableHeadTilt_deg) > 1) || (g.tableCradleTilt_deg && std::fabs(*g.tableCradleTilt_deg) > 1) ||
            (g.tableHorizontalRotation_deg && std::fabs(*g.tableHorizontalRotation_deg) > 1))
            assume({"table-tilt", {}, "table tilt and rotation are not modelled: the table taken as level"});

        // The isocentre in the patient's frame for this event.
        const TablePlacement p = norm.place(g);
        Vec iso;
        if (p.lateral_mm && at.lateral_mm) iso.x = -(*p.lateral_mm - *at.lateral_mm) / 10.0;
        if (p.longitudinal_mm && at.longitudinal_mm) iso.y = -(*p.longitudinal_mm - *at.longitudinal_mm) / 10.0;
        double below_cm;
        if (p.belowIsocentre_mm && *p.belowIsocentre_mm > 0) {
            below_cm = *p.belowIsocentre_mm / 10.0;
        } else {
            below_cm = (u.sourceToIsocentre_mm - dref_mm) / 10.0; // the back at the reference point
            if (norm.place != noTable && norm.place != dicomAxes)
                assume({"table-height", {}, "an event without Table Height Position: the back placed at the reference point"});
        }
        iso.z = prone ? phantom.depth - below_cm : below_cm;

        const double a0 = *e.primaryAngle_deg, b0 = e.secondaryAngle_deg.value_or(0.0);
        const double a1 = g.primaryEndAngle_deg.value_or(a0), b1 = g.secondaryEndAngle_deg.value_or(b0);
        const double sweep = std::max(std::fabs(a1 - a0), std::fabs(b1 - b0));
        const int steps = sweep > options.sweepStep_deg ? static_cast<int>(std::ceil(sweep / options.sweepStep_deg)) : 1;
        bool hit = false;
        for (int s = 0; s < steps; ++s) {
            const double t = steps == 1 ? 0.0 : (s + 0.5) / steps;
            Beam beam = carmBeam(iso, a0 + (a1 - a0) * t, b0 + (b1 - b0) * t, u.sourceToIsocentre_mm / 10.0, dref_mm / 10.0,
                                 across_cm, along_cm);
            beam.kerma_Gy = kerma / steps;
            beam.kvp = kvp;
            beam.copper_mm = copper;
            beam.tableTransmission = measured.value_or(kDefaultTableTransmission);
            beam.tableZ = prone ? phantom.depth : 0.0;
            beam.up = prone ? -1.0 : 1.0;
            hit = addBeam(beam, phantom, dose) || hit;
        }
        if (hit && e.dap_Gym2) dapHit += *e.dap_Gym2;
        ++r.events;
    }
    if (skipped)
        assume({"events-without-field", {{"events", std::to_string(skipped)}},
                std::to_string(skipped) + " event(s) with neither DAP nor a collimated field left out of the map"});
    const std::size_t without = events.size() - usable.size();
    if (without)
        assume({"events-without-geometry", {{"events", std::to_string(without)}, {"of", std::to_string(events.size())}},
                std::to_string(without) + " of " + std::to_string(events.size()) +
                    " events without positioner angle or source distance left out of the map"});
    const auto peak = std::max_element(dose.begin(), dose.end());
    r.around = phantom.around;
    r.along = phantom.along;
    r.flat_cm = phantom.width - phantom.depth;
    r.radius_cm = phantom.depth / 2;
    r.length_cm = phantom.length;
    r.psd_Gy = *peak;
    r.region = *peak > 0 ? phantom.region(static_cast<std::size_t>(peak - dose.begin())) : "";
    if (dapAll > 0) r.dapOnPhantom = dapHit / dapAll;
    r.map = encodeMap(dose);
    return r;
}

std::string encodeMap(const std::vector<double>& dose) {
    const double peak = dose.empty() ? 0.0 : *std::max_element(dose.begin(), dose.end());
    const double scale = peak > 0 ? peak / 65535.0 : 1.0;
    std::string bytes;
    auto put16 = [&bytes](unsigned v) {
        bytes += static_cast<char>(v & 0xFF);
        bytes += static_cast<char>((v >> 8) & 0xFF);
    };
    for (std::size_t i = 0; i < dose.size();) {
        const unsigned step = static_cast<unsigned>(std::lround(std::max(0.0, dose[i]) / scale));
        put16(step);
        ++i;
        if (step != 0) continue;
        unsigned more = 0;
        while (i < dose.size() && more < 0xFFFF && std::lround(std::max(0.0, dose[i]) / scale) == 0) {
            ++more;
            ++i;
        }
        put16(more);
    }
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    char head[48];
    std::snprintf(head, sizeof head, "1;%.9g;", scale);
    return head + out.str();
}

std::vector<double> decodeMap(const std::string& text, std::size_t cells) {
    const auto first = text.find(';'), second = text.find(';', first + 1);
    if (text.rfind("1;", 0) != 0 || second == std::string::npos) throw Error("not a skin map: " + text.substr(0, 20));
    const double scale = std::stod(text.substr(first + 1, second - first - 1));
    std::istringstream in(text.substr(second + 1));
    Poco::Base64Decoder decoder(in, Poco::BASE64_NO_PADDING);
    const std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    std::vector<double> out;
    out.reserve(cells);
    auto get16 = [&bytes](std::size_t at) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) |
               (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 8);
    };
    for (std::size_t at = 0; at + 1 < bytes.size(); at += 2) {
        const unsigned step = get16(at);
        out.push_back(step * scale);
        if (step == 0 && at + 3 < bytes.size()) {
            at += 2;
            out.insert(out.end(), get16(at), 0.0);
        }
    }
    if (out.size() != cells)
        throw Error("skin map holds " + std::to_string(out.size()) + " cells where " + std::to_string(cells) + " were expected");
    return out;
}

} // namespace fa::skin
