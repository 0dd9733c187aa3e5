#include "api/StudiesResource.h"

#include "api/Http.h"
#include "core/Clock.h"
#include "present/Csv.h"
#include "present/FollowUpJson.h"
#include "present/Xlsx.h"
#include "present/Json.h"
#include "present/RecordJson.h"
#include "present/StudyJson.h"

#include <Poco/NumberParser.h>

#include <cmath>
#include <map>
#include <set>

namespace fa::api {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using present::jsonObject;

namespace {
// Patient name, ID and birth date are for reviewers and admins only.
void hidePatient(Object::Ptr o) {
    for (const char* key : {"patient_id", "patient_name", "patient_birth_date"})
        if (o->has(key)) o->set(key, Var());
}
} // namespace

store::StudyFilter StudiesResource::studyFilter() {
    auto f = store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to"));
    f.site = param(r_, "site");
    f.procedureId = param(r_, "procedure");
    f.device = param(r_, "device");
    f.operatorName = param(r_, "operator");
    f.flagKind = param(r_, "flag_kind");
    f.reviewState = param(r_, "review_state");
    if (!f.reviewState.empty() && f.reviewState != "unreviewed" && !isReviewState(f.reviewState))
        throw Refusal{400, text("request.oneOf", {{"name", "review_state"}, {"choices", "unreviewed, acknowledged, justified, action-required"}})};
    f.flaggedOnly = param(r_, "flagged") == "true";
    // min_dap_gycm2=10&max_dap_gycm2=50 and the like, in the units shown.
    for (const char* metric : {"shots", "fluoro_time_s", "exposure_time_s", "dap_gycm2", "kar_mgy", "psd_mgy"}) {
        store::StudyFilter::Range range{metric, std::nullopt, std::nullopt};
        for (auto [bound, name] : {std::pair{&range.min, std::string("min_") + metric}, std::pair{&range.max, std::string("max_") + metric}}) {
            const std::string v = param(r_, name);
            if (v.empty()) continue;
            double d = 0;
            if (!Poco::NumberParser::tryParseFloat(v, d) || !std::isfinite(d))
                throw Refusal{400, text("request.notNumber", {{"name", name}, {"value", v}})};
            *bound = d;
        }
        if (range.min || range.max) f.ranges.push_back(range);
    }
    f.search = param(r_, "q");
    f.patientId = param(r_, "patient_id");
    if (!f.patientId.empty() && !seesPatients())
        throw Refusal{403, text("study.patientSearch")};
    if (!f.patientId.empty()) f.patientKey = c_.pipeline->patientKeyFor(f.patientId);
    if (!param(r_, "sort").empty()) f.sort = param(r_, "sort");
    static const std::set<std::string> sorts{"date", "procedure", "device", "shots", "fluoro_time_s",
                                             "exposure_time_s", "dap_gycm2", "kar_mgy", "psd_mgy", "flags"};
    if (!sorts.count(f.sort))
        throw Refusal{400, text("request.oneOf", {{"name", "sort"},
                                              {"choices", "date, procedure, device, shots, fluoro_time_s, exposure_time_s, "
                                                          "dap_gycm2, kar_mgy, flags"}})};
    f.descending = param(r_, "order") == "desc";
    return f;
}

ApiResponse StudiesResource::studies() {
    require("viewer");
    auto f = studyFilter();
    const std::size_t pageSize = numberParam(r_, "page_size", 50, 1000), page = numberParam(r_, "page", 1, 1000000);
    f.limit = pageSize;
    f.offset = (page - 1) * pageSize;
    Array::Ptr list = new Array;
    for (const auto& s : c_.store().studies(f)) {
        auto o = present::studyToJson(s, language());
        if (!seesPatients()) hidePatient(o);
        list->add(o);
    }
    Object::Ptr o = jsonObject();
    o->set("total", static_cast<Poco::UInt64>(c_.store().countStudies(f)));
    o->set("page", static_cast<Poco::UInt64>(page));
    o->set("page_size", static_cast<Poco::UInt64>(pageSize));
    o->set("studies", list);
    return json(o);
}

ApiResponse StudiesResource::study(const std::string& uid) {
    require("viewer");
    const auto s = c_.store().study(uid);
    if (!s) throw Refusal{404, text("study.unknown", {{"uid", uid}})};
    auto o = present::studyDetailToJson(*s, c_.store().objectsOf(uid), c_.pipeline->staffEstimates(*s),
                                        c_.pipeline->patientEstimate(*s), c_.store().skinDose(uid), language());
    if (!seesPatients()) hidePatient(o);
    const auto followUp = c_.store().followUp(uid);
    o->set("follow_up", followUp ? Var(present::followUpJson(*followUp, todayLocal(), seesPatients())) : Var());
    Array::Ptr reviews = new Array;
    for (const auto& rv : c_.store().reviews(uid)) {
        Object::Ptr x = jsonObject();
        x->set("kind", rv.kind);
        x->set("metric", rv.metric);
        x->set("state", rv.state);
        x->set("comment", rv.comment);
        x->set("username", rv.username);
        x->set("at", rv.at);
        reviews->add(x);
    }
    o->set("reviews", reviews);
    return json(o);
}

ApiResponse StudiesResource::review(const std::string& uid) {
    auto& s = require("reviewer");
    const auto body = parseBody(r_.body);
    store::FlagReview rv;
    rv.studyUid = uid;
    rv.kind = field(body, "kind");
    rv.metric = field(body, "metric");
    rv.state = field(body, "state");
    rv.comment = field(body, "comment", false);
    rv.username = s.username;
    if (!isReviewState(rv.state)) throw Refusal{400, text("request.oneOf", {{"name", "state"}, {"choices", "acknowledged, justified, action-required"}})};
    if (rv.state != "acknowledged" && rv.comment.empty())
        throw Refusal{400, text("review.needsComment", {{"state", term("state." + rv.state)}})};
    if (!c_.store().study(uid)) throw Refusal{404, text("study.unknown", {{"uid", uid}})};
    if (!c_.store().reviewFlag(rv)) throw Refusal{404, text("study.noSuchFlag", {{"uid", uid}, {"kind", term("kind." + rv.kind)}, {"metric", term("metric." + rv.metric)}})};
    std::vector<std::pair<std::string, std::string>> values{
        {"uid", uid}, {"kind", term("kind." + rv.kind)}, {"metric", term("metric." + rv.metric)}, {"state", term("state." + rv.state)}};
    if (!rv.comment.empty()) values.emplace_back("comment", rv.comment);
    trail("review", text(rv.comment.empty() ? "trail.review" : "trail.reviewComment", values));
    Object::Ptr o = jsonObject();
    o->set("study_uid", uid);
    o->set("kind", rv.kind);
    o->set("metric", rv.metric);
    o->set("state", rv.state);
    o->set("comment", rv.comment);
    o->set("username", rv.username);
    return json(o);
}

ApiResponse StudiesResource::reviewMany() {
    auto& s = require("reviewer");
    constexpr std::size_t kMaxStudies = 1000;
    const auto body = parseBody(r_.body);
    const std::string state = field(body, "state"), comment = field(body, "comment", false);
    if (!isReviewState(state)) throw Refusal{400, text("request.oneOf", {{"name", "state"}, {"choices", "acknowledged, justified, action-required"}})};
    if (state != "acknowledged" && comment.empty()) throw Refusal{400, text("review.needsCommentMany", {{"state", term("state." + state)}})};
    Array::Ptr uids = body->has("study_uids") ? body->getArray("study_uids") : nullptr;
    if (!uids || uids->size() == 0) throw Refusal{400, text("review.noStudies")};
    if (uids->size() > kMaxStudies) throw Refusal{400, text("review.tooMany", {{"max", std::to_string(kMaxStudies)}})};
    // Every study is checked before any review is recorded.
    std::vector<store::StudyRecord> studies;
    for (std::size_t i = 0; i < uids->size(); ++i) {
        const std::string uid = uids->get(static_cast<unsigned>(i)).toString();
        auto study = c_.store().study(uid);
        if (!study) throw Refusal{404, text("study.unknown", {{"uid", uid}})};
        studies.push_back(std::move(*study));
    }
    std::size_t flags = 0;
    for (const auto& study : studies) {
        std::size_t reviewed = 0;
        for (const auto& f : study.flags) {
            if (f.reviewState != "unreviewed") continue;
            store::FlagReview rv;
            rv.studyUid = study.study.studyUid;
            rv.kind = f.kind;
            rv.metric = f.metric;
            rv.state = state;
            rv.comment = comment;
            rv.username = s.username;
            if (c_.store().reviewFlag(rv)) ++reviewed;
        }
        if (reviewed)
            trail("review", text(comment.empty() ? "trail.reviewAll" : "trail.reviewAllComment",
                                 {{"uid", study.study.studyUid},
                                  {"count", std::to_string(reviewed)},
                                  {"state", term("state." + state)},
                                  {"comment", comment}}));
        flags += reviewed;
    }
    Object::Ptr o = jsonObject();
    o->set("studies", static_cast<Poco::UInt64>(studies.size()));
    o->set("flags", static_cast<Poco::UInt64>(flags));
    o->set("state", state);
    return json(o);
}

std::vector<store::FlagRecord> StudiesResource::flagRecords() {
    store::FlagFilter f;
    f.site = param(r_, "site");
    f.fromDate = dateParam(r_, "from");
    f.toDate = dateParam(r_, "to");
    f.kind = param(r_, "kind");
    f.reviewState = param(r_, "review_state");
    return c_.store().flags(f);
}

ApiResponse StudiesResource::flags() {
    require("viewer");
    return json(present::flagRecordsJson(flagRecords()));
}

// The worklist's columns a user hid (`hide`, its column names) as the export's keys.
std::set<std::string> StudiesResource::hiddenColumns() const {
    static const std::map<std::string, std::vector<std::string>> keys{
        {"procedure", {"procedure_id", "procedure_name"}}, {"device", {"device"}},
        {"shots", {"shots"}}, {"fluoro_time_s", {"fluoro_time_s"}}, {"exposure_time_s", {"exposure_time_s"}},
        {"dap_gycm2", {"dap_gycm2", "dap_a_gycm2", "dap_b_gycm2"}}, {"kar_mgy", {"kar_mgy", "kar_a_mgy", "kar_b_mgy"}},
        {"psd_mgy", {"psd_mgy"}}, {"flags", {"flags", "review_states"}}};
    std::set<std::string> out;
    const std::string hide = param(r_, "hide");
    for (std::size_t start = 0; start < hide.size();) {
        std::size_t end = hide.find(',', start);
        if (end == std::string::npos) end = hide.size();
        const std::string name = hide.substr(start, end - start);
        const auto it = keys.find(name);
        if (it == keys.end())
            throw Refusal{400, text("request.oneOf", {{"name", "hide"},
                                                      {"choices", "procedure, device, shots, fluoro_time_s, exposure_time_s, "
                                                                  "dap_gycm2, kar_mgy, psd_mgy, flags"}})};
        out.insert(it->second.begin(), it->second.end());
        start = end + 1;
    }
    return out;
}

// `format=machine`: the stable form for scripts; otherwise the caller's language (docs/api.md, "Exports").
present::ExportForm StudiesResource::exportForm() const {
    const std::string format = param(r_, "format");
    if (format == "machine") return {};
    if (!format.empty() && format != "people")
        throw Refusal{400, text("request.oneOf", {{"name", "format"}, {"choices", "machine, people"}})};
    return present::ExportForm::forPeople(language());
}

ApiResponse StudiesResource::exportStudies() {
    require("viewer");
    present::StudyCsvOptions options;
    options.patients = seesPatients();
    options.form = exportForm();
    options.hidden = hiddenColumns();
    const auto rows = c_.store().studies(studyFilter());
    const auto perPlane = present::perPlaneOf(c_.store(), rows);
    options.perPlane = &perPlane;
    trail("export", text(options.patients ? "trail.exportCsvPatients" : "trail.exportCsv",
                         {{"file", "studies.csv"}, {"count", std::to_string(rows.size())}}));
    return csvResponse(present::studiesCsv(rows, options), "fluoroaudit-studies.csv");
}

ApiResponse StudiesResource::exportStudiesXlsx() {
    require("viewer");
    present::StudyCsvOptions options;
    options.patients = seesPatients();
    options.form = exportForm();
    options.hidden = hiddenColumns();
    const auto workbook = present::studiesWorkbook(c_.store(), c_.pipeline->levels(), studyFilter(), options);
    trail("export", text(options.patients ? "trail.exportXlsxPatients" : "trail.exportXlsx",
                         {{"file", "studies.xlsx"},
                          {"count", std::to_string(workbook.studies)},
                          {"events", std::to_string(workbook.events)}}));
    ApiResponse r;
    r.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = workbook.bytes;
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"fluoroaudit-studies.xlsx\"");
    return r;
}

// The flags of the studies the worklist shows, in its order: its filters and sort (a flag kind or
// review state filters the flags listed too). `kind` is the older name of `flag_kind`.
ApiResponse StudiesResource::exportFlags() {
    require("viewer");
    auto filter = studyFilter();
    if (filter.flagKind.empty()) filter.flagKind = param(r_, "kind");
    std::vector<store::FlagRecord> rows;
    for (const auto& s : c_.store().studies(filter))
        for (const auto& flag : s.flags) {
            if (!filter.flagKind.empty() && flag.kind != filter.flagKind) continue;
            if (!filter.reviewState.empty() && flag.reviewState != filter.reviewState) continue;
            rows.push_back({s.site, s.study.studyUid, s.study.studyDate, s.procedureId, flag});
        }
    trail("export", text("trail.exportFlags", {{"file", "flags.csv"}, {"count", std::to_string(rows.size())}}));
    return csvResponse(present::flagsCsv(rows, exportForm()), "fluoroaudit-flags.csv");
}

} // namespace fa::api
