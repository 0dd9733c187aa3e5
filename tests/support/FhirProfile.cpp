#include "tests/support/FhirProfile.h"

#include <Poco/JSON/Array.h>
#include <Poco/RegularExpression.h>

#include <functional>
#include <map>
#include <set>

namespace fa::test {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const std::string kDcm = "http://dicom.nema.org/resources/ontology/DCM";
const std::string kUcum = "http://unitsofmeasure.org";
const std::string kIdType = "http://hl7.org/fhir/uv/radiation-dose-summary/CodeSystem/dicom-identifier-type";
const std::string kV20203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

std::string str(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->getValue<std::string>(key);
}

bool hasCoding(const Object::Ptr& concept, const std::string& system, const std::string& code) {
    if (!concept || !concept->has("coding")) return false;
    const auto codings = concept->getArray("coding");
    for (std::size_t i = 0; codings && i < codings->size(); ++i) {
        const auto c = codings->getObject(static_cast<unsigned>(i));
        if (str(c, "system") == system && str(c, "code") == code) return true;
    }
    return false;
}

std::string firstCode(const Object::Ptr& concept, const std::string& system) {
    if (!concept || !concept->has("coding")) return "";
    const auto codings = concept->getArray("coding");
    for (std::size_t i = 0; codings && i < codings->size(); ++i) {
        const auto c = codings->getObject(static_cast<unsigned>(i));
        if (str(c, "system") == system) return str(c, "code");
    }
    return "";
}

// FHIR JSON: no null, no empty string, array or object anywhere (R4 JSON representation).
void noEmpties(const Var& v, const std::string& path, std::vector<std::string>& out) {
    if (v.isEmpty()) {
        out.push_back(path + ": null is not allowed in FHIR JSON");
    } else if (v.type() == typeid(Object::Ptr)) {
        const auto o = v.extract<Object::Ptr>();
        if (o->size() == 0) out.push_back(path + ": an empty object");
        for (const auto& [k, child] : *o) noEmpties(child, path + "." + k, out);
    } else if (v.type() == typeid(Array::Ptr)) {
        const auto a = v.extract<Array::Ptr>();
        if (a->size() == 0) out.push_back(path + ": an empty array");
        for (std::size_t i = 0; i < a->size(); ++i) noEmpties(a->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", out);
    } else if (v.isString() && v.extract<std::string>().empty()) {
        out.push_back(path + ": an empty string");
    }
}

std::vector<Object::Ptr> objects(const Object::Ptr& o, const std::string& key) {
    std::vector<Object::Ptr> out;
    if (!o->has(key)) return out;
    if (o->isArray(key)) {
        const auto a = o->getArray(key);
        for (std::size_t i = 0; i < a->size(); ++i) out.push_back(a->getObject(static_cast<unsigned>(i)));
    } else if (o->isObject(key)) {
        out.push_back(o->getObject(key));
    }
    return out;
}

bool isDicomUid(const Object::Ptr& id) {
    static const Poco::RegularExpression oid("^urn:oid:[0-2](\\.(0|[1-9][0-9]*))+$");
    return str(id, "system") == "urn:dicom:uid" && oid.match(str(id, "value"));
}

void checkReference(const Object::Ptr& ref, const std::string& type, const std::string& path, std::vector<std::string>& out) {
    if (!ref) return out.push_back(path + ": missing");
    const std::string reference = str(ref, "reference");
    if (reference.empty() && !ref->has("identifier") && !ref->has("display") && !ref->has("extension"))
        out.push_back(path + ": a Reference with neither reference, identifier, display nor extension");
    if (!ref->has("type") && reference.rfind(type + "/", 0) != 0 && reference.rfind("urn:uuid:", 0) != 0)
        out.push_back(path + ": says no type (" + type + ")");
    if (ref->has("type") && str(ref, "type") != type) out.push_back(path + ": type " + str(ref, "type") + ", not " + type);
}

} // namespace

std::string joined(const std::vector<std::string>& problems) {
    std::string s;
    for (const auto& p : problems) s += p + "\n";
    return s;
}

std::vector<std::string> radiationDoseSummaryProblems(const Object::Ptr& o) {
    std::vector<std::string> out;
    if (!o) return {"no Observation"};
    noEmpties(Var(o), "Observation", out);
    if (str(o, "resourceType") != "Observation") out.push_back("resourceType is not Observation");
    static const Poco::RegularExpression id("^[A-Za-z0-9\\-\\.]{1,64}$");
    if (o->has("id") && !id.match(str(o, "id"))) out.push_back("id '" + str(o, "id") + "' is not a FHIR id");
    bool profiled = false;
    if (o->has("meta"))
        for (const auto& p : *o->getObject("meta")->getArray("profile"))
            profiled = profiled || p.toString() == "http://hl7.org/fhir/uv/radiation-dose-summary/StructureDefinition/radiation-dose-summary";
    if (!profiled) out.push_back("meta.profile does not name radiation-dose-summary");
    static const std::set<std::string> statuses{"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                                                "entered-in-error", "unknown"};
    if (!statuses.count(str(o, "status"))) out.push_back("status '" + str(o, "status") + "' is not an Observation status");
    if (!hasCoding(o->getObject("code"), "http://loinc.org", "73569-6")) out.push_back("code is not LOINC 73569-6");

    // identifier: the radiationSRUID slice (type sop-instance-uid) is a DICOM UID
    for (const auto& i : objects(o, "identifier")) {
        const std::string type = firstCode(i->getObject("type"), kIdType);
        if ((type == "sop-instance-uid" || type == "study-instance-uid") && !isDicomUid(i))
            out.push_back("identifier of type " + type + " is not urn:dicom:uid with an urn:oid: value");
    }
    // partOf[imagingStudyRef] 1..1: an ImagingStudy with its Study Instance UID
    int studies = 0;
    for (const auto& p : objects(o, "partOf")) {
        if (str(p, "type") != "ImagingStudy" && str(p, "reference").find("ImagingStudy") == std::string::npos &&
            str(p, "reference").rfind("urn:uuid:", 0) != 0)
            continue;
        ++studies;
        const auto i = p->getObject("identifier");
        if (!i || firstCode(i->getObject("type"), kIdType) != "study-instance-uid" || !isDicomUid(i))
            out.push_back("partOf[imagingStudyRef].identifier is not a study-instance-uid in urn:dicom:uid");
    }
    if (studies != 1) out.push_back("partOf[imagingStudyRef] appears " + std::to_string(studies) + " times, not once");
    // basedOn[serviceRequestRef] 0..1: the accession number
    int requests = 0;
    for (const auto& b : objects(o, "basedOn")) {
        ++requests;
        const auto i = b->getObject("identifier");
        if (!i || firstCode(i->getObject("type"), kV20203) != "ACSN" || str(i, "value").empty())
            out.push_back("basedOn[serviceRequestRef].identifier is not an ACSN with a value");
    }
    if (requests > 1) out.push_back("basedOn[serviceRequestRef] more than once");
    if (!o->isObject("subject")) out.push_back("subject 1..1 is missing");
    else checkReference(o->getObject("subject"), "Patient", "subject", out);
    const auto focus = objects(o, "focus");
    if (focus.size() != 1) out.push_back("focus 1..1 appears " + std::to_string(focus.size()) + " times");
    for (const auto& f : focus) checkReference(f, "ImagingStudy", "focus", out);
    static const Poco::RegularExpression dateTime(
        "^([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?"
        "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$");
    if (!o->has("effectiveDateTime")) out.push_back("effective[x] 1..1 (a dateTime) is missing");
    else if (!dateTime.match(str(o, "effectiveDateTime")))
        out.push_back("effectiveDateTime '" + str(o, "effectiveDateTime") + "' is not a FHIR dateTime (a time needs its zone)");
    for (const char* other : {"effectivePeriod", "effectiveTiming", "effectiveInstant", "valueQuantity", "valueCodeableConcept",
                              "valueInteger", "valueBoolean", "dataAbsentReason", "specimen"})
        if (o->has(other)) out.push_back(std::string(other) + " is not allowed by the profile");
    if (str(o, "valueString").empty()) out.push_back("valueString 1..1 is missing");
    if (o->has("device")) checkReference(o->getObject("device"), "Device", "device", out);
    const auto performers = objects(o, "performer");
    if (performers.size() != 1) out.push_back("performer[irradiationAuthorizingPerson] 1..1 appears " + std::to_string(performers.size()) + " times");
    for (const auto& p : performers) checkReference(p, "Practitioner", "performer", out);

    // component: codes of the value set, each X-ray slice 0..1 with its value type and unit
    static const std::map<std::string, std::string> units{{"113722", "mGy.cm2"}, {"113725", "mGy"}, {"113726", "mGy.cm2"},
                                                          {"113727", "mGy.cm2"}, {"113730", "s"}, {"113731", ""},
                                                          {"121058", ""}};
    std::map<std::string, int> seen;
    for (const auto& c : objects(o, "component")) {
        const std::string code = firstCode(c->getObject("code"), kDcm);
        if (!units.count(code)) {
            out.push_back("component code '" + code + "' is not an X-ray code of ComponentRadiationDoseSummaryVS (DCM)");
            continue;
        }
        if (++seen[code] > 1) out.push_back("component " + code + " appears more than once (slice 0..1)");
        if (code == "121058") {
            if (!hasCoding(c->getObject("valueCodeableConcept"), kDcm, "113704") &&
                !hasCoding(c->getObject("valueCodeableConcept"), "http://snomed.info/sct", "71651007"))
                out.push_back("xray-procedure-reported: Procedure reported is not Projection X-Ray or Mammography");
        } else if (code == "113731") {
            if (!c->has("valueInteger") || !c->get("valueInteger").isInteger() || c->getValue<long long>("valueInteger") < 0)
                out.push_back("component 113731 (frames) has no valueInteger");
        } else {
            const auto q = c->getObject("valueQuantity");
            if (!q || !q->has("value") || !q->get("value").isNumeric()) {
                out.push_back("component " + code + " has no valueQuantity.value");
                continue;
            }
            if (str(q, "unit") != units.at(code) || str(q, "code") != units.at(code) || str(q, "system") != kUcum)
                out.push_back("component " + code + " is not in UCUM " + units.at(code) + " (unit '" + str(q, "unit") +
                              "', code '" + str(q, "code") + "', system '" + str(q, "system") + "')");
            if (q->getValue<double>("value") < 0) out.push_back("component " + code + " is negative");
        }
    }
    if (!seen.count("121058")) out.push_back("component Procedure reported (121058) is missing");
    return out;
}

std::vector<std::string> modalityDeviceProblems(const Object::Ptr& d) {
    std::vector<std::string> out;
    if (!d) return {"no Device"};
    noEmpties(Var(d), "Device", out);
    if (str(d, "resourceType") != "Device") out.push_back("resourceType is not Device");
    int ae = 0, serial = 0, uid = 0;
    for (const auto& i : objects(d, "identifier")) {
        const std::string dcmType = firstCode(i->getObject("type"), kIdType), v2Type = firstCode(i->getObject("type"), kV20203);
        const bool hasValue = !str(i, "value").empty() || (i->has("_value") && i->getObject("_value")->has("extension"));
        if (dcmType == "application-entity") {
            ++ae;
            if (!hasValue) out.push_back("identifier[aeTitle].value 1..1 is missing");
        } else if (dcmType == "device-uid") {
            ++uid;
            if (!isDicomUid(i)) out.push_back("identifier[deviceUID] is not urn:dicom:uid");
        } else if (v2Type == "SNO") {
            ++serial;
            if (!hasValue) out.push_back("identifier[deviceSerialNumber].value 1..1 is missing");
        }
    }
    if (ae != 1) out.push_back("identifier[aeTitle] 1..1 appears " + std::to_string(ae) + " times");
    if (serial > 1) out.push_back("identifier[deviceSerialNumber] 0..1 appears " + std::to_string(serial) + " times");
    if (uid > 1) out.push_back("identifier[deviceUID] 0..1 appears " + std::to_string(uid) + " times");
    // type 1..1 from CID 33 (modality), required binding
    static const std::set<std::string> cid33{"AR", "BMD", "BDUS", "EPS", "CR", "CT", "DX", "ECG", "ES", "XC", "GM", "HD", "IO",
                                             "IVOCT", "IVUS", "KER", "LEN", "MR", "MG", "NM", "OAM", "OCT", "OPM", "OP", "OPR",
                                             "OPT", "OPV", "OSS", "PX", "PT", "RF", "RG", "SM", "SRF", "US", "VA", "XA"};
    if (!d->isObject("type") || !cid33.count(firstCode(d->getObject("type"), kDcm)))
        out.push_back("type is not a CID 33 modality in DCM");
    static const std::set<std::string> nameTypes{"udi-label-name", "user-friendly-name", "patient-reported-name",
                                                 "manufacturer-name", "model-name", "other"};
    for (const auto& n : objects(d, "deviceName"))
        if (!nameTypes.count(str(n, "type")) || str(n, "name").empty())
            out.push_back("deviceName type '" + str(n, "type") + "' is not a device-nametype, or the name is empty");
    return out;
}

std::vector<std::string> transactionBundleProblems(const Object::Ptr& b) {
    std::vector<std::string> out;
    if (!b || str(b, "resourceType") != "Bundle" || str(b, "type") != "transaction") return {"not a transaction Bundle"};
    std::set<std::string> fullUrls;
    std::vector<std::string> references;
    std::function<void(const Var&)> collect = [&](const Var& v) {
        if (v.type() == typeid(Object::Ptr)) {
            const auto o = v.extract<Object::Ptr>();
            for (const auto& [k, child] : *o) {
                if (k == "reference" && child.isString()) references.push_back(child.toString());
                collect(child);
            }
        } else if (v.type() == typeid(Array::Ptr)) {
            for (const auto& child : *v.extract<Array::Ptr>()) collect(child);
        }
    };
    for (const auto& e : objects(b, "entry")) {
        const std::string fullUrl = str(e, "fullUrl");
        if (fullUrl.rfind("urn:uuid:", 0) != 0) out.push_back("an entry's fullUrl '" + fullUrl + "' is not a urn:uuid");
        if (!fullUrls.insert(fullUrl).second) out.push_back("fullUrl " + fullUrl + " twice");
        const auto request = e->getObject("request");
        static const std::set<std::string> methods{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};
        if (!request || !methods.count(str(request, "method")) || str(request, "url").empty())
            out.push_back("entry " + fullUrl + " has no request method and url");
        const auto resource = e->getObject("resource");
        if (!resource) {
            out.push_back("entry " + fullUrl + " has no resource");
            continue;
        }
        collect(Var(resource));
        const std::string type = str(resource, "resourceType");
        if (request && str(request, "url").rfind(type, 0) != 0)
            out.push_back("entry " + fullUrl + ": request url " + str(request, "url") + " is not of its " + type);
        std::vector<std::string> more;
        if (type == "Observation") more = radiationDoseSummaryProblems(resource);
        if (type == "Device") more = modalityDeviceProblems(resource);
        for (const auto& m : more) out.push_back(type + ": " + m);
    }
    for (const auto& r : references)
        if (r.rfind("urn:uuid:", 0) == 0 && !fullUrls.count(r)) out.push_back("reference " + r + " is not in the Bundle");
    return out;
}

} // namespace fa::test
