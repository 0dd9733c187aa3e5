// `fluoroaudit follow-ups` and `fluoroaudit follow-up STUDY_UID --outcome ...`: the follow-up of
// substantial doses from the command line.
#include "cli/Commands.h"
#include "core/Clock.h"
#include "core/Units.h"
#include "present/Display.h"
#include "present/FollowUpJson.h"
#include "present/Json.h"

#include <iostream>

namespace fa::cli {

int followUps(Pipeline& pipeline, const std::string& state, bool json, std::ostream& out) {
    const std::string today = todayLocal();
    const auto list = pipeline.store().followUps(state == "all" ? "" : state, today);
    if (json) {
        present::printJson(out, *present::followUpsJson(list, today, true));
        return 0;
    }
    if (list.empty()) {
        out << "No follow-up " << (state == "all" ? "" : state + " ") << "on " << today << "\n";
        return 0;
    }
    out << "Study date  Due                      State      Reasons                                   Study UID\n";
    for (const auto& f : list) {
        std::string reasons;
        for (const auto& r : f.reasons)
            reasons += (reasons.empty() ? "" : ", ") + r.metric + " " + present::figure(r.value) + " > " + present::figure(r.level);
        std::string line = f.studyDate;
        line.resize(12, ' ');
        line += f.dueFrom + " to " + f.dueTo;
        line.resize(37, ' ');
        line += f.state(today);
        line.resize(48, ' ');
        line += (reasons.empty() ? "—" : reasons) + (f.outcome.empty() ? "" : "; outcome " + f.outcome);
        out << line << "  " << f.studyUid << "\n";
    }
    out << list.size() << " follow-up" << (list.size() == 1 ? "" : "s") << "\n";
    return 0;
}

int recordFollowUp(Pipeline& pipeline, const std::string& studyUid, const std::string& outcome, const std::string& note,
                   std::ostream& out, std::ostream& err) {
    if (!store::isFollowUpOutcome(outcome)) {
        err << "'" << outcome << "' is not an outcome: none, erythema, desquamation, ulceration or other\n";
        return 2;
    }
    if (outcome == "other" && note.empty()) {
        err << "an outcome of 'other' needs --note saying what was seen\n";
        return 2;
    }
    if (!pipeline.store().recordFollowUp(studyUid, outcome, note, commandLineActor())) {
        err << "Study " << studyUid << " has no follow-up (list them with: fluoroaudit follow-ups --state all)\n";
        return 1;
    }
    pipeline.store().addTrail(
        commandLineActor(), "follow-up",
        note.empty() ? text("trail.followUp", {{"uid", studyUid}, {"outcome", term("followUpOutcome." + outcome)}})
                     : text("trail.followUpNote",
                            {{"uid", studyUid}, {"outcome", term("followUpOutcome." + outcome)}, {"note", note}}),
        "");
    out << "Recorded " << outcome << " for the follow-up of " << studyUid << "\n";
    return 0;
}

} // namespace fa::cli
