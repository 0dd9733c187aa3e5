#include "audit/RunJournal.h"

#include <Poco/Logger.h>

namespace fa {

void RunJournal::say(const std::string& line) {
    log_.information(line);
    if (request_.progress) request_.progress(line);
}

void RunJournal::error(const std::string& what) {
    log_.error(what);
    if (request_.progress) request_.progress("error: " + what);
    run.errors.push_back(what);
}

void RunJournal::finding(const std::string& kind, const std::string& studyUid, const std::string& studyDate,
                         const std::string& detail) {
    findings.push_back({kind, studyUid, studyDate, detail});
}

bool RunJournal::cancelled() {
    if (!cancelled_ && request_.cancelled && request_.cancelled()) {
        cancelled_ = true;
        error("the service is stopping: reconciliation ended early");
    }
    return cancelled_;
}

std::string RunJournal::period() const {
    return run.periodFrom == run.periodTo ? run.periodFrom : run.periodFrom + " to " + run.periodTo;
}

} // namespace fa
