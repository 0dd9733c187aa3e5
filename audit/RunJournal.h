// What one audit run records as it goes: its counts, its findings, its errors, and the progress
// lines the operator sees (in the log and, from the command line, on the terminal).
#pragma once

#include "audit/NightlyAudit.h"
#include "store/StudyStore.h"

#include <string>
#include <vector>

namespace Poco {
class Logger;
}

namespace fa {

class RunJournal {
public:
    RunJournal(const AuditRequest& request, Poco::Logger& log) : request_(request), log_(log) {}

    store::AuditRun run;
    std::vector<store::AuditFinding> findings;

    void say(const std::string& line);
    // An error of the run: recorded (the run ends "partial") and logged; the rest still runs.
    void error(const std::string& what);
    void finding(const std::string& kind, const std::string& studyUid, const std::string& studyDate,
                 const std::string& detail);
    // Once asked and true (the service is stopping), records why the run ends early.
    bool cancelled();
    // "2026-11-20" or "2026-11-20 to 2026-11-26".
    std::string period() const;
    Poco::Logger& log() { return log_; }

private:
    const AuditRequest& request_;
    Poco::Logger& log_;
    bool cancelled_ = false;
};

} // namespace fa
