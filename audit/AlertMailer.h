// High-dose alerts at once: when a flag of [alerts] kinds (by default investigation, substantial
// and cumulative) is raised on a recent study, one mail per study goes to [alerts] to and to every
// [alert.NAME] whose procedure or device matches, through the [mail] server. Each flag is mailed
// once (the store keeps what was sent), and each mail is in the audit trail. Runs on its own thread
// in `serve`; a mail server that is down is logged and tried again at the next check.
#pragma once

#include "audit/Worker.h"
#include "pipeline/Settings.h"
#include "store/StudyStore.h"

#include <string>
#include <vector>

namespace Poco {
class Logger;
}

namespace fa {

// Who gets the alert of a study with `procedureId` on `device`.
std::vector<std::string> alertRecipients(const AlertSettings& alerts, const std::string& procedureId,
                                         const DeviceInfo& device);

class AlertMailer {
public:
    AlertMailer(const Settings& settings, Poco::Logger& log);
    ~AlertMailer(); // stops
    void start();   // does nothing when no recipient is configured
    void stop();
    // Looks for new flags once and mails them; returns how many mails were sent.
    int checkOnce(store::StudyStore& store);

private:
    void loop();

    Settings settings_;
    Poco::Logger& log_;
    Worker worker_;
    bool failing_ = false; // the last attempt failed (logged once until one succeeds)
};

} // namespace fa
