#include "api/FollowUpsResource.h"

#include "api/Http.h"
#include "core/Clock.h"
#include "present/FollowUpJson.h"
#include "present/Json.h"

namespace fa::api {

using Poco::JSON::Object;

ApiResponse FollowUpsResource::list() {
    require("viewer");
    std::string state = param(r_, "state");
    if (state.empty()) state = "open";
    if (state != "open" && state != "overdue" && state != "closed" && state != "withdrawn" && state != "all")
        throw Refusal{400, text("request.oneOf", {{"name", "state"}, {"choices", "open, overdue, closed, withdrawn, all"}})};
    const std::string today = todayLocal();
    const auto list = c_.store().followUps(state == "all" ? "" : state, today, param(r_, "site"));
    Object::Ptr o = present::jsonObject();
    o->set("today", today);
    o->set("follow_ups", present::followUpsJson(list, today, seesPatients()));
    return json(o);
}

ApiResponse FollowUpsResource::one(const std::string& uid) {
    require("viewer");
    const auto f = c_.store().followUp(uid);
    if (!f) throw Refusal{404, text("followUp.unknown", {{"uid", uid}})};
    return json(present::followUpJson(*f, todayLocal(), seesPatients()));
}

ApiResponse FollowUpsResource::record(const std::string& uid) {
    auto& s = require("reviewer");
    const auto body = parseBody(r_.body);
    const std::string outcome = field(body, "outcome"), note = field(body, "note", false);
    if (!store::isFollowUpOutcome(outcome))
        throw Refusal{400, text("request.oneOf", {{"name", "outcome"}, {"choices", "none, erythema, desquamation, ulceration, other"}})};
    if (outcome == "other" && note.empty()) throw Refusal{400, text("followUp.needsNote")};
    if (!c_.store().recordFollowUp(uid, outcome, note, s.username)) throw Refusal{404, text("followUp.unknown", {{"uid", uid}})};
    trail("follow-up", note.empty() ? text("trail.followUp", {{"uid", uid}, {"outcome", term("followUpOutcome." + outcome)}})
                                    : text("trail.followUpNote", {{"uid", uid},
                                                                  {"outcome", term("followUpOutcome." + outcome)},
                                                                  {"note", note}}));
    return json(present::followUpJson(*c_.store().followUp(uid), todayLocal(), seesPatients()));
}

} // namespace fa::api
