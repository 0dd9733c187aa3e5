#include "core/SecurityEvent.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace fa {

namespace codes {
namespace {
CodedValue dcm(const char* code, const char* meaning) { return {code, "DCM", meaning}; }
CodedValue rfc3881(const char* code, const char* meaning) { return {code, "RFC-3881", meaning}; }
} // namespace
CodedValue applicationActivity() { return dcm("110100", "Application Activity"); }
CodedValue instancesTransferred() { return dcm("110104", "DICOM Instances Transferred"); }
CodedValue exportEvent() { return dcm("110106", "Export"); }
CodedValue query() { return dcm("110112", "Query"); }
CodedValue securityAlert() { return dcm("110113", "Security Alert"); }
CodedValue userAuthentication() { return dcm("110114", "User Authentication"); }
CodedValue applicationStart() { return dcm("110120", "Application Start"); }
CodedValue applicationStop() { return dcm("110121", "Application Stop"); }
CodedValue login() { return dcm("110122", "Login"); }
CodedValue logout() { return dcm("110123", "Logout"); }
CodedValue securityRolesChanged() { return dcm("110136", "Security Roles Changed"); }
CodedValue userSecurityChanged() { return dcm("110137", "User security Attributes Changed"); }
CodedValue applicationRole() { return dcm("110150", "Application"); }
CodedValue applicationLauncher() { return dcm("110151", "Application Launcher"); }
CodedValue destinationRole() { return dcm("110152", "Destination Role ID"); }
CodedValue sourceRole() { return dcm("110153", "Source Role ID"); }
CodedValue destinationMedia() { return dcm("110154", "Destination Media"); }
CodedValue studyUid() { return dcm("110180", "Study Instance UID"); }
CodedValue sopClassUid() { return dcm("110181", "SOP Class UID"); }
CodedValue patientNumber() { return rfc3881("2", "Patient Number"); }
CodedValue userIdentifier() { return rfc3881("11", "User Identifier"); }
CodedValue uri() { return rfc3881("12", "URI"); }
} // namespace codes

EventObject studyObject(const std::string& studyUid, const std::vector<std::pair<std::string, int>>& sopClasses) {
    EventObject o;
    o.idType = codes::studyUid();
    o.id = studyUid.empty() ? "(no Study Instance UID)" : studyUid;
    o.sopClasses = sopClasses;
    return o;
}

EventObject patientObject(const std::string& patientId) {
    EventObject o;
    o.typeCode = 1;
    o.roleCode = 1;
    o.idType = codes::patientNumber();
    o.id = patientId.empty() ? "(no Patient ID)" : patientId;
    return o;
}

namespace {
using Recorder = std::function<void(const SecurityEvent&)>;
std::mutex recorderMutex;
std::shared_ptr<const Recorder> installed;
std::atomic<bool> anyRecorder{false};
} // namespace

void recordSecurityEvent(const SecurityEvent& event) {
    if (!anyRecorder) return;
    std::shared_ptr<const Recorder> recorder;
    {
        std::lock_guard<std::mutex> lock(recorderMutex);
        recorder = installed;
    }
    if (recorder) (*recorder)(event);
}

SecurityEventDelivery& securityEventDelivery() {
    static SecurityEventDelivery delivery;
    return delivery;
}

bool securityEventsRecorded() { return anyRecorder; }

void setSecurityEventRecorder(std::function<void(const SecurityEvent&)> recorder) {
    std::lock_guard<std::mutex> lock(recorderMutex);
    installed = recorder ? std::make_shared<const Recorder>(std::move(recorder)) : nullptr;
    anyRecorder = installed != nullptr;
}

bool securityEventOfTrail(const std::string& username, const std::string& action, const std::string& detail,
                          const std::string& remote, SecurityEvent& event) {
    EventParticipant user;
    user.userId = username.empty() ? "(unknown)" : username;
    user.requestor = true;
    user.networkAddress = remote;
    event = SecurityEvent{};
    if (action == "login" || action == "login-failed" || action == "logout") {
        event.id = codes::userAuthentication();
        event.types = {action == "logout" ? codes::logout() : codes::login()};
        if (action == "login-failed") {
            event.outcome = 4;
            event.outcomeDescription = detail;
        }
        event.participants = {user};
        return true;
    }
    if (action == "user-add" || action == "user-change") {
        event.id = codes::securityAlert();
        // "NAME as ROLE", "NAME: role ROLE", "NAME: password changed", "NAME: disabled"
        const bool roles = detail.find(" as ") != std::string::npos || detail.find(": role ") != std::string::npos;
        event.types = {roles ? codes::securityRolesChanged() : codes::userSecurityChanged()};
        event.participants = {user};
        EventObject changed;
        changed.typeCode = 1;
        changed.roleCode = 11;
        changed.idType = codes::userIdentifier();
        const auto end = detail.find_first_of(": ");
        changed.id = detail.substr(0, end);
        changed.description = action + ": " + detail;
        event.objects = {changed};
        return true;
    }
    if (action == "export") {
        event.id = codes::exportEvent();
        event.action = 'R';
        user.role = codes::destinationMedia();
        event.participants = {user};
        EventObject exported;
        exported.idType = codes::uri();
        exported.id = detail.substr(0, detail.find(':')); // "studies.csv: 12 studies ..."
        exported.description = detail;
        event.objects = {exported};
        return true;
    }
    return false;
}

} // namespace fa
