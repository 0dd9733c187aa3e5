#include "present/Fhir.h"

#include "core/Units.h"
#include "present/Json.h"

#include <Poco/JSON/Array.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

namespace fa::present {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr coding(const std::string& system, const std::string& code, const std::string& display) {
    Object::Ptr c = jsonObject();
    c->set("system", system);
    c->set("code", code);
    if (!display.empty()) c->set("display", display);
    return c;
}

Object::Ptr concept(const std::string& system, const std::string& code, const std::string& display) {
    Object::Ptr c = jsonObject();
    Array::Ptr codings = new Array;
    codings->add(coding(system, code, display));
    c->set("coding", codings);
    return c;
}

// An identifier with a type coding (the IG's DICOM identifier types, or HL7 v2 table 0203).
Object::Ptr identifier(const std::string& typeSystem, const std::string& typeCode, const std::string& typeDisplay,
                       const std::string& system, const std::string& value) {
    Object::Ptr i = jsonObject();
    if (!typeCode.empty()) i->set("type", concept(typeSystem, typeCode, typeDisplay));
    if (!system.empty()) i->set("system", system);
    i->set("value", value);
    return i;
}

Object::Ptr dicomUid(const std::string& typeCode, const std::string& typeDisplay, const std::string& uid) {
    return identifier(fhir::kIdType, typeCode, typeDisplay, "urn:dicom:uid", "urn:oid:" + uid);
}

Object::Ptr absent(const std::string& reason) {
    Object::Ptr ext = jsonObject();
    ext->set("url", fhir::kDataAbsent);
    ext->set("valueCode", reason);
    Array::Ptr list = new Array;
    list->add(ext);
    Object::Ptr o = jsonObject();
    o->set("extension", list);
    return o;
}

Array::Ptr one(const Object::Ptr& o) {
    Array::Ptr a = new Array;
    a->add(o);
    return a;
}

Object::Ptr meta(const char* profile) {
    Object::Ptr m = jsonObject();
    Array::Ptr profiles = new Array;
    profiles->add(std::string(profile));
    m->set("profile", profiles);
    return m;
}

Object::Ptr quantity(double value, const std::string& unit) {
    Object::Ptr q = jsonObject();
    q->set("value", number(value)); // 10 significant digits
    q->set("unit", unit);
    q->set("system", fhir::kUcum);
    q->set("code", unit);
    return q;
}

Object::Ptr component(const std::string& code, const std::string& display) {
    Object::Ptr c = jsonObject();
    c->set("code", concept(fhir::kDcm, code, display));
    return c;
}

bool isSopClass(const DoseObject& o, std::initializer_list<const char*> classes) {
    for (const char* c : classes)
        if (o.sopClassUid == c) return true;
    return false;
}

// CID 33's modality of the study's images: RF where any image is fluoroscopy's, else XA (the images
// of an angiography system, and the default for a study known from its dose report alone).
std::pair<std::string, std::string> modalityOf(const std::vector<DoseObject>& objects) {
    for (const auto& o : objects)
        if (isSopClass(o, {"1.2.840.10008.5.1.4.1.1.12.2", "1.2.840.10008.5.1.4.1.1.12.2.1"}))
            return {"RF", "Radio Fluoroscopy"};
    return {"XA", "X-Ray Angiography"};
}

std::string name(const Poco::UUID& ns, const std::string& what) {
    return "urn:uuid:" + Poco::UUIDGenerator::defaultGenerator().createFromName(ns, what).toString();
}

const Poco::UUID& space() {
    static const Poco::UUID ns("4f6c2e0a-9d7b-5e1c-8a3f-2b6d0c9e7a15"); // fluoroaudit's own name space
    return ns;
}

std::string deviceName(const DeviceInfo& d) {
    std::string s = d.manufacturer;
    if (!d.model.empty()) s += (s.empty() ? "" : " ") + d.model;
    if (!d.station.empty()) s += (s.empty() ? "" : " ") + std::string("(") + d.station + ")";
    return s;
}

struct Names {
    std::string patient, study, device;
};

Names namesOf(const FhirStudy& s) {
    const auto& r = *s.study;
    Names n;
    n.patient = name(space(), "patient|" + (s.patientIdentifiers && !r.study.patientId.empty()
                                                 ? r.study.issuerOfPatientId + "|" + r.study.patientId
                                                 : r.patientKey));
    n.study = name(space(), "study|" + r.study.studyUid);
    n.device = name(space(), "device|" + r.device.key());
    return n;
}

// The patient's identifier: its ID and issuer where the site keeps them, else the pseudonymous key.
Object::Ptr patientIdentifier(const FhirStudy& s) {
    const auto& r = *s.study;
    if (s.patientIdentifiers && !r.study.patientId.empty()) {
        Object::Ptr i = identifier("", "", "", "", r.study.patientId);
        const std::string& issuer = r.study.issuerOfPatientId;
        if (!issuer.empty()) {
            Object::Ptr assigner = jsonObject();
            assigner->set("display", issuer);
            i->set("assigner", assigner);
        }
        return i;
    }
    return identifier(fhir::kV20203, "ANON", "Anonymous identifier", fhir::kPatientKeySystem, r.patientKey);
}

std::string searchOf(const Object::Ptr& id) {
    const std::string system = id->has("system") ? id->getValue<std::string>("system") + "|" : "";
    return "identifier=" + system + id->getValue<std::string>("value");
}

Object::Ptr reference(const std::string& type, const std::string& ref, const Object::Ptr& id, const std::string& display) {
    Object::Ptr o = jsonObject();
    if (!ref.empty()) o->set("reference", ref);
    o->set("type", type);
    if (id) o->set("identifier", id);
    if (!display.empty()) o->set("display", display);
    return o;
}

std::string summaryText(const FhirFigures& f, const StudySummary& s) {
    std::string t;
    auto add = [&](const std::string& part) { t += (t.empty() ? "" : ", ") + part; };
    char buf[64];
    if (f.dap_mGycm2) {
        std::snprintf(buf, sizeof buf, "%.4g", *f.dap_mGycm2 / 1000.0);
        add(std::string("Dose Area Product Total = ") + buf + " Gy.cm2");
    }
    if (f.doseRp_mGy) {
        std::snprintf(buf, sizeof buf, "%.4g", *f.doseRp_mGy);
        add(std::string("Dose (RP) Total = ") + buf + " mGy");
    }
    if (f.fluoroTime_s) {
        std::snprintf(buf, sizeof buf, "%.4g", *f.fluoroTime_s);
        add(std::string("Total Fluoro Time = ") + buf + " s");
    }
    if (s.irradiationEvents) add("Irradiation Events = " + std::to_string(*s.irradiationEvents));
    return t.empty() ? "No dose figures known" : t;
}

Object::Ptr observationOf(const FhirStudy& s, const Names* names) {
    const store::StudyRecord& r = *s.study;
    const FhirFigures f = fhirFigures(r, *s.objects);
    Object::Ptr o = jsonObject();
    o->set("resourceType", "Observation");
    o->set("id", r.study.studyUid);
    o->set("meta", meta(fhir::kSummaryProfile));

    Array::Ptr ids = new Array;
    ids->add(dicomUid("study-instance-uid", "Study Instance UID", r.study.studyUid));
    for (const auto& obj : *s.objects)
        if (obj.kind == SourceKind::Rdsr &&
            std::find(r.summary.countedObjects.begin(), r.summary.countedObjects.end(), obj.sopInstanceUid) !=
                r.summary.countedObjects.end())
            ids->add(dicomUid("sop-instance-uid", "SOP Instance UID", obj.sopInstanceUid));
    if (!r.study.accessionNumber.empty())
        ids->add(identifier(fhir::kV20203, "ACSN", "Accession ID", "", r.study.accessionNumber));
    o->set("identifier", ids);

    if (!r.study.accessionNumber.empty()) {
        Object::Ptr request = reference("ServiceRequest", "",
                                        identifier(fhir::kV20203, "ACSN", "Accession ID", "", r.study.accessionNumber), "");
        o->set("basedOn", one(request));
    }
    Object::Ptr studyRef = reference("ImagingStudy", names ? names->study : "",
                                     dicomUid("study-instance-uid", "Study Instance UID", r.study.studyUid), "");
    o->set("partOf", one(studyRef));
    o->set("status", "final");
    o->set("code", concept(fhir::kLoinc, "73569-6",
                           "Radiation exposure and protection information [Description] Document Diagnostic imaging"));
    o->set("subject", reference("Patient", names ? names->patient : "", patientIdentifier(s), ""));
    o->set("focus", one(studyRef));
    const std::string when = fhirDateTime(r.study.studyDate, r.study.studyTime);
    o->set("effectiveDateTime", when.empty() ? r.createdAt : when);

    // The person who authorised the irradiation: the study's first operator or performing
    // physician where known, else marked unknown (the profile asks for one).
    const std::string& ops = r.study.operators;
    const std::string firstOperator = ops.substr(0, ops.find("; "));
    Object::Ptr performer = firstOperator.empty() ? absent("unknown") : reference("Practitioner", "", nullptr, firstOperator);
    if (firstOperator.empty()) performer->set("type", "Practitioner");
    o->set("performer", one(performer));
    o->set("valueString", summaryText(f, r.summary));
    o->set("device", reference("Device", names ? names->device : "", nullptr,
                               deviceName(r.device).empty() ? "unknown device" : deviceName(r.device)));

    Array::Ptr comps = new Array;
    Object::Ptr reported = component("121058", "Procedure reported");
    reported->set("valueCodeableConcept", concept(fhir::kDcm, "113704", "Projection X-Ray"));
    comps->add(reported);
    auto add = [&](const char* code, const char* display, const std::optional<double>& v, const char* unit) {
        if (!v || !std::isfinite(*v)) return;
        Object::Ptr c = component(code, display);
        c->set("valueQuantity", quantity(*v, unit));
        comps->add(c);
    };
    add("113722", "Dose Area Product Total", f.dap_mGycm2, "mGy.cm2");
    add("113725", "Dose (RP) Total", f.doseRp_mGy, "mGy");
    add("113726", "Fluoro Dose Area Product Total", f.fluoroDap_mGycm2, "mGy.cm2");
    add("113727", "Acquisition Dose Area Product Total", f.acquisitionDap_mGycm2, "mGy.cm2");
    add("113730", "Total Fluoro Time", f.fluoroTime_s, "s");
    if (f.frames) {
        Object::Ptr c = component("113731", "Total Number of Radiographic Frames");
        c->set("valueInteger", static_cast<Poco::Int64>(*f.frames));
        comps->add(c);
    }
    o->set("component", comps);
    return o;
}

Object::Ptr patientOf(const FhirStudy& s) {
    Object::Ptr p = jsonObject();
    p->set("resourceType", "Patient");
    p->set("identifier", one(patientIdentifier(s)));
    return p;
}

Object::Ptr imagingStudyOf(const FhirStudy& s, const Names& names) {
    const auto& r = *s.study;
    Object::Ptr i = jsonObject();
    i->set("resourceType", "ImagingStudy");
    i->set("identifier", one(dicomUid("study-instance-uid", "Study Instance UID", r.study.studyUid)));
    i->set("status", "available");
    const auto [code, display] = modalityOf(*s.objects);
    i->set("modality", one(coding(fhir::kDcm, code, display)));
    i->set("subject", reference("Patient", names.patient, nullptr, ""));
    const std::string when = fhirDateTime(r.study.studyDate, r.study.studyTime);
    if (!when.empty()) i->set("started", when);
    if (!r.study.studyDescription.empty()) i->set("description", r.study.studyDescription);
    return i;
}

// A ModalityDevice: its serial number, and the AE title (unknown: objects do not say who sent them).
Object::Ptr deviceOf(const FhirStudy& s) {
    const DeviceInfo& d = s.study->device;
    Object::Ptr dev = jsonObject();
    dev->set("resourceType", "Device");
    dev->set("meta", meta(fhir::kDeviceProfile));
    Array::Ptr ids = new Array;
    Object::Ptr ae = identifier(fhir::kIdType, "application-entity", "Application Entity", "", "");
    ae->remove("value");
    ae->set("_value", absent("unknown"));
    ids->add(ae);
    if (!d.serial.empty()) ids->add(identifier(fhir::kV20203, "SNO", "Serial Number", "", d.serial));
    if (!d.observerUid.empty()) ids->add(dicomUid("device-uid", "Device UID", d.observerUid));
    // fluoroaudit's own key of the device, as a name-based UUID: a search value without '|' or spaces.
    ids->add(identifier("", "", "", "urn:fluoroaudit:device",
                        Poco::UUIDGenerator::defaultGenerator().createFromName(space(), "device|" + d.key()).toString()));
    dev->set("identifier", ids);
    if (!d.manufacturer.empty()) dev->set("manufacturer", d.manufacturer);
    if (!d.serial.empty()) dev->set("serialNumber", d.serial);
    Array::Ptr names = new Array;
    auto addName = [&](const std::string& value, const char* type) {
        if (value.empty()) return;
        Object::Ptr n = jsonObject();
        n->set("name", value);
        n->set("type", type);
        names->add(n);
    };
    addName(d.manufacturer, "manufacturer-name");
    addName(d.model, "model-name");
    addName(d.station, "user-friendly-name");
    if (names->size() > 0) dev->set("deviceName", names);
    const auto [code, display] = modalityOf(*s.objects);
    dev->set("type", concept(fhir::kDcm, code, display));
    return dev;
}

Object::Ptr entry(const std::string& fullUrl, const Object::Ptr& resource, const std::string& method, const std::string& url,
                  const std::string& ifNoneExist) {
    Object::Ptr e = jsonObject();
    e->set("fullUrl", fullUrl);
    e->set("resource", resource);
    if (!method.empty()) {
        Object::Ptr request = jsonObject();
        request->set("method", method);
        request->set("url", url);
        if (!ifNoneExist.empty()) request->set("ifNoneExist", ifNoneExist);
        e->set("request", request);
    }
    return e;
}

Object::Ptr firstIdentifier(const Object::Ptr& resource) {
    return resource->getArray("identifier")->getObject(0);
}

// The device's own identifier (the last one: fluoroaudit's key, present for every device).
Object::Ptr deviceKeyIdentifier(const Object::Ptr& device) {
    const auto ids = device->getArray("identifier");
    return ids->getObject(static_cast<unsigned>(ids->size() - 1));
}

} // namespace

FhirFigures fhirFigures(const store::StudyRecord& study, const std::vector<DoseObject>& objects) {
    const StudySummary& s = study.summary;
    FhirFigures f;
    if (s.dap_Gym2) f.dap_mGycm2 = units::toGycm2(*s.dap_Gym2) * 1000.0;
    if (s.doseRp_Gy) f.doseRp_mGy = units::toMilliGray(*s.doseRp_Gy);
    f.fluoroTime_s = s.fluoroTime_s;
    if (s.frames && std::isfinite(*s.frames)) f.frames = std::llround(*s.frames);

    // Fluoroscopy and acquisition DAP: of each counted object, its accumulated totals (every plane),
    // else the running totals in its images, else its events where each has a type and a DAP; a
    // counted object that says neither leaves them unknown.
    std::optional<double> fluoro = 0.0, acquisition = 0.0;
    bool any = false;
    for (const auto& o : objects) {
        if (std::find(s.countedObjects.begin(), s.countedObjects.end(), o.sopInstanceUid) == s.countedObjects.end())
            continue;
        any = true;
        std::optional<double> fo, ao;
        bool planesKnow = !o.planes.empty();
        for (const auto& p : o.planes) planesKnow = planesKnow && p.fluoroDapTotal_Gym2 && p.acquisitionDapTotal_Gym2;
        if (planesKnow) {
            fo = ao = 0.0;
            for (const auto& p : o.planes) {
                *fo += *p.fluoroDapTotal_Gym2;
                *ao += *p.acquisitionDapTotal_Gym2;
            }
        } else if (o.runningTotals && o.runningTotals->fluoroDap_Gym2 && o.runningTotals->acquisitionDap_Gym2) {
            fo = o.runningTotals->fluoroDap_Gym2;
            ao = o.runningTotals->acquisitionDap_Gym2;
        } else if (!o.events.empty()) {
            fo = ao = 0.0;
            for (const auto& e : o.events) {
                if (e.type == EventType::Unknown || !e.dap_Gym2) {
                    fo = ao = std::nullopt;
                    break;
                }
                *(e.type == EventType::Fluoroscopy ? fo : ao) += *e.dap_Gym2;
            }
        }
        if (fluoro && fo) *fluoro += *fo;
        else fluoro = std::nullopt;
        if (acquisition && ao) *acquisition += *ao;
        else acquisition = std::nullopt;
    }
    if (any && fluoro) f.fluoroDap_mGycm2 = units::toGycm2(*fluoro) * 1000.0;
    if (any && acquisition) f.acquisitionDap_mGycm2 = units::toGycm2(*acquisition) * 1000.0;
    return f;
}

Object::Ptr fhirObservation(const FhirStudy& study) { return observationOf(study, nullptr); }

Object::Ptr fhirBundle(const std::vector<FhirStudy>& studies, const std::string& type) {
    const bool transaction = type == "transaction";
    Object::Ptr b = jsonObject();
    b->set("resourceType", "Bundle");
    b->set("type", type);
    Array::Ptr entries = new Array;
    std::set<std::string> sent;
    auto addOnce = [&](const std::string& fullUrl, const Object::Ptr& resource, const Object::Ptr& key) {
        if (!sent.insert(fullUrl).second) return;
        const std::string rt = resource->getValue<std::string>("resourceType");
        entries->add(transaction ? entry(fullUrl, resource, "POST", rt, searchOf(key)) : entry(fullUrl, resource, "", "", ""));
    };
    for (const auto& s : studies) {
        const Names names = namesOf(s);
        const Object::Ptr patient = patientOf(s);
        addOnce(names.patient, patient, firstIdentifier(patient));
        const Object::Ptr device = deviceOf(s);
        addOnce(names.device, device, deviceKeyIdentifier(device));
        const Object::Ptr imaging = imagingStudyOf(s, names);
        addOnce(names.study, imaging, firstIdentifier(imaging));
        Object::Ptr observation = observationOf(s, &names);
        const std::string key = searchOf(firstIdentifier(observation));
        if (transaction) observation->remove("id"); // the server's own id; found again by its identifier
        entries->add(transaction ? entry(name(space(), "observation|" + s.study->study.studyUid), observation, "PUT",
                                         "Observation?" + key, "")
                                 : entry(name(space(), "observation|" + s.study->study.studyUid), observation, "", "", ""));
    }
    b->set("entry", entries);
    return b;
}

Object::Ptr fhirSearchBundle(const std::vector<Object::Ptr>& observations, const std::string& baseUrl,
                             const std::string& selfUrl, std::size_t total, const std::string& nextUrl) {
    Object::Ptr b = jsonObject();
    b->set("resourceType", "Bundle");
    b->set("type", "searchset");
    b->set("total", static_cast<Poco::UInt64>(total));
    Array::Ptr links = new Array;
    auto link = [&](const char* relation, const std::string& url) {
        Object::Ptr l = jsonObject();
        l->set("relation", relation);
        l->set("url", url);
        links->add(l);
    };
    link("self", selfUrl);
    if (!nextUrl.empty()) link("next", nextUrl);
    b->set("link", links);
    Array::Ptr entries = new Array;
    for (const auto& o : observations) {
        Object::Ptr e = jsonObject();
        e->set("fullUrl", baseUrl + "/Observation/" + o->getValue<std::string>("id"));
        e->set("resource", o);
        Object::Ptr search = jsonObject();
        search->set("mode", "match");
        e->set("search", search);
        entries->add(e);
    }
    b->set("entry", entries);
    return b;
}

Object::Ptr fhirOutcome(const std::string& code, const std::string& text) {
    Object::Ptr issue = jsonObject();
    issue->set("severity", "error");
    issue->set("code", code);
    issue->set("diagnostics", text);
    Object::Ptr o = jsonObject();
    o->set("resourceType", "OperationOutcome");
    o->set("issue", one(issue));
    return o;
}

std::string fhirDateTime(const std::string& date, const std::string& time) {
    if (date.size() != 10) return "";
    if (time.size() < 8) return date;
    std::tm t{};
    if (std::sscanf(date.c_str(), "%d-%d-%d", &t.tm_year, &t.tm_mon, &t.tm_mday) != 3 ||
        std::sscanf(time.c_str(), "%d:%d:%d", &t.tm_hour, &t.tm_min, &t.tm_sec) != 3)
        return date;
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    t.tm_isdst = -1;
    const std::time_t at = std::mktime(&t);
    std::tm local{};
    ::localtime_r(&at, &local);
    const int offset = static_cast<int>(local.tm_gmtoff / 60) % (24 * 60); // minutes east of UTC
    char zone[16];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', std::abs(offset) / 60, std::abs(offset) % 60);
    return date + "T" + time.substr(0, 8) + zone;
}

} // namespace fa::present
