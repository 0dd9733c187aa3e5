#include "plugin/OrthancPacs.h"

#include "core/Error.h"
#include "pipeline/Pipeline.h"
#include "plugin/OrthancRest.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace fa::plugin {

namespace {

// Orthanc's answer as JSON; an answer that is none is an fa::Error, like every failure here.
Poco::Dynamic::Var parse(const std::string& json) {
    try {
        return Poco::JSON::Parser().parse(json);
    } catch (const Poco::Exception& e) {
        throw Error("Orthanc answered what is not JSON: " + e.displayText());
    }
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty() ? o->get(key).convert<std::string>() : std::string();
}

std::string json(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::vector<std::string> split(const std::string& values) { // a multi-valued DICOM string
    std::vector<std::string> out;
    std::string one;
    std::istringstream in(values);
    while (std::getline(in, one, '\\'))
        if (!one.empty()) out.push_back(one);
    return out;
}

} // namespace

OrthancPacs::OrthancPacs(_OrthancPluginContext_t* context, std::string modality)
    : context_(context), modality_(std::move(modality)) {
    const auto system = parse(restGet(context_, "/system")).extract<Poco::JSON::Object::Ptr>();
    ownAet_ = text(system, "DicomAet");
    if (modality_.empty()) {
        description_ = "Orthanc " + ownAet_ + " (this server)";
        return;
    }
    const auto modalities = parse(restGet(context_, "/modalities?expand")).extract<Poco::JSON::Object::Ptr>();
    const auto m = modalities->getObject(modality_);
    if (!m)
        throw Error("\"FluoroAudit\": \"PacsModality\": Orthanc knows no modality \"" + modality_ +
                    "\" (its DicomModalities)");
    description_ = text(m, "AET") + "@" + text(m, "Host") + ":" + text(m, "Port") + " (modality \"" + modality_ +
                   "\" of Orthanc " + ownAet_ + ")";
}

std::string OrthancPacs::get(const std::string& uri) const {
    try {
        return restGet(context_, uri);
    } catch (const Error& e) {
        throw Error(description_ + ": " + e.what());
    }
}

std::string OrthancPacs::post(const std::string& uri, const std::string& body) const {
    try {
        return restPost(context_, uri, body);
    } catch (const Error& e) {
        throw Error(description_ + ": " + e.what());
    }
}

std::vector<std::map<std::string, std::string>> OrthancPacs::query(const std::string& level,
                                                                   const std::map<std::string, std::string>& keys) const {
    Poco::JSON::Object request, q;
    request.set("Level", level);
    for (const auto& [k, v] : keys) q.set(k, v);
    request.set("Query", q);
    const auto started = parse(post("/modalities/" + modality_ + "/query", json(request))).extract<Poco::JSON::Object::Ptr>();
    const std::string id = text(started, "ID");
    std::vector<std::map<std::string, std::string>> out;
    const auto answers = parse(get("/queries/" + id + "/answers?expand&simplify")).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; answers && i < answers->size(); ++i) {
        const auto a = answers->getObject(static_cast<unsigned>(i));
        std::map<std::string, std::string> row;
        for (const auto& [k, v] : *a)
            if (v.isString()) row[k] = v.extract<std::string>();
        out.push_back(std::move(row));
    }
    try {
        restDelete(context_, "/queries/" + id); // Orthanc keeps a bounded number of them
    } catch (const Error&) {
    }
    return out;
}

std::vector<dicom::StudyHit> OrthancPacs::findStudies(const std::string& fromDate, const std::string& toDate,
                                                      const std::vector<std::string>& modalities) {
    std::string wanted;
    for (const auto& m : modalities) wanted += (wanted.empty() ? "" : "\\") + m;
    std::vector<dicom::StudyHit> out;
    if (!modality_.empty()) {
        for (auto& a : query("Study", {{"StudyDate", fromDate + "-" + toDate},
                                       {"ModalitiesInStudy", wanted},
                                       {"StudyInstanceUID", ""},
                                       {"StudyDescription", ""}}))
            out.push_back({a["StudyInstanceUID"], a["StudyDate"], split(a["ModalitiesInStudy"]), a["StudyDescription"]});
        return out;
    }
    Poco::JSON::Object request, q;
    request.set("Level", "Study");
    request.set("Expand", true);
    q.set("StudyDate", fromDate + "-" + toDate);
    request.set("Query", q);
    const auto studies = parse(post("/tools/find", json(request))).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; studies && i < studies->size(); ++i) {
        const auto s = studies->getObject(static_cast<unsigned>(i));
        const auto tags = s->getObject("MainDicomTags");
        dicom::StudyHit hit{text(tags, "StudyInstanceUID"), text(tags, "StudyDate"), {}, text(tags, "StudyDescription")};
        // Orthanc's own index: the modalities of its series, matched here (the series are kept for
        // findSeries, which the reconciliation asks next).
        auto& series = series_[hit.studyUid] = seriesOfStudy(text(s, "ID"));
        for (const auto& one : series) hit.modalities.push_back(one.modality);
        bool match = modalities.empty();
        for (const auto& m : hit.modalities)
            for (const auto& w : modalities) match |= m == w;
        if (match) out.push_back(std::move(hit));
    }
    return out;
}

std::vector<dicom::SeriesHit> OrthancPacs::findSeries(const std::string& studyUid) {
    std::vector<dicom::SeriesHit> out;
    if (!modality_.empty()) {
        for (auto& a : query("Series", {{"StudyInstanceUID", studyUid}, {"SeriesInstanceUID", ""}, {"Modality", ""}}))
            out.push_back({a["SeriesInstanceUID"], a["Modality"]});
        return out;
    }
    if (const auto known = series_.find(studyUid); known != series_.end()) return known->second;
    const std::string study = lookup(studyUid, "Study");
    return study.empty() ? out : seriesOfStudy(study);
}

std::vector<dicom::SeriesHit> OrthancPacs::seriesOfStudy(const std::string& orthancId) const {
    std::vector<dicom::SeriesHit> out;
    const auto series = parse(get("/studies/" + orthancId + "/series")).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; series && i < series->size(); ++i) {
        const auto tags = series->getObject(static_cast<unsigned>(i))->getObject("MainDicomTags");
        out.push_back({text(tags, "SeriesInstanceUID"), text(tags, "Modality")});
    }
    return out;
}

std::vector<dicom::InstanceHit> OrthancPacs::findInstances(const std::string& studyUid, const std::string& seriesUid) {
    std::vector<dicom::InstanceHit> out;
    if (!modality_.empty()) {
        for (auto& a : query("Instance", {{"StudyInstanceUID", studyUid},
                                          {"SeriesInstanceUID", seriesUid},
                                          {"SOPInstanceUID", ""},
                                          {"SOPClassUID", ""}}))
            out.push_back({a["SOPInstanceUID"], a["SOPClassUID"]});
        return out;
    }
    const std::string series = lookup(seriesUid, "Series");
    if (series.empty()) return out;
    const auto instances = parse(get("/series/" + series + "/instances")).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; instances && i < instances->size(); ++i) {
        const auto instance = instances->getObject(static_cast<unsigned>(i));
        std::string sopClass;
        try {
            sopClass = get("/instances/" + text(instance, "ID") + "/metadata/SopClassUid");
        } catch (const Error&) {
            continue; // deleted since
        }
        out.push_back({text(instance->getObject("MainDicomTags"), "SOPInstanceUID"), sopClass});
    }
    return out;
}

std::string OrthancPacs::lookup(const std::string& uid, const std::string& type) const {
    const auto found = parse(post("/tools/lookup", uid)).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; found && i < found->size(); ++i) {
        const auto r = found->getObject(static_cast<unsigned>(i));
        if (text(r, "Type") == type) return text(r, "ID");
    }
    return {};
}

dicom::MoveResult OrthancPacs::retrieve(const Retrieval& r, Pipeline& pipeline) {
    if (!modality_.empty()) { // the modality sends it to Orthanc, from where it is filed
        Poco::JSON::Object request, resource;
        request.set("Level", r.sopInstanceUid.empty() ? "Series" : "Instance");
        resource.set("StudyInstanceUID", r.studyUid);
        resource.set("SeriesInstanceUID", r.seriesUid);
        if (!r.sopInstanceUid.empty()) resource.set("SOPInstanceUID", r.sopInstanceUid);
        Poco::JSON::Array resources;
        resources.add(resource);
        request.set("Resources", resources);
        request.set("TargetAet", ownAet_);
        post("/modalities/" + modality_ + "/move", json(request));
    }
    std::vector<std::string> ids;
    if (!r.sopInstanceUid.empty()) {
        if (const std::string id = lookup(r.sopInstanceUid, "Instance"); !id.empty()) ids.push_back(id);
    } else if (const std::string series = lookup(r.seriesUid, "Series"); !series.empty()) {
        const auto instances = parse(get("/series/" + series + "/instances")).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; instances && i < instances->size(); ++i)
            ids.push_back(text(instances->getObject(static_cast<unsigned>(i)), "ID"));
    }
    dicom::MoveResult result = file(ids, pipeline);
    if (ids.empty()) result.errors.push_back(modality_.empty() ? "Orthanc no longer holds it"
                                                               : "the modality sent nothing to Orthanc " + ownAet_);
    return result;
}

dicom::MoveResult OrthancPacs::file(const std::vector<std::string>& instanceIds, Pipeline& pipeline) const {
    dicom::MoveResult result;
    for (const auto& id : instanceIds) {
        ObjectSource source;
        source.origin = "Orthanc instance " + id;
        try {
            const std::string bytes = get("/instances/" + id + "/file");
            pipeline.ingestBuffer(bytes.data(), bytes.size(), source);
            ++result.completed;
        } catch (const Error& e) {
            ++result.failed;
            result.errors.push_back(e.what());
        }
    }
    return result;
}

} // namespace fa::plugin
