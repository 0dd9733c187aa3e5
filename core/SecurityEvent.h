// Security-relevant events for the audit trail of IHE ATNA (DICOM PS3.15 A.5): what happened, who
// took part and what it concerned. Where they happen (the listener, the PACS client, logins, user
// changes, exports) they are recorded here; a host that sends them to an audit repository installs
// a recorder (`serve` and the CLI with [atna] destination). Without one, recording costs nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace fa {

// A coded value: (code, coding scheme, meaning), e.g. (110100, DCM, Application Activity).
struct CodedValue {
    std::string code, scheme, meaning;
    bool empty() const { return code.empty(); }
};

struct EventParticipant {
    std::string userId;            // AE title, user name or process
    std::string alternativeUserId; // e.g. the process id
    std::string userName;
    bool requestor = false;
    CodedValue role;            // e.g. 110153 Source Role ID; empty = none
    std::string networkAddress; // IP address or host name; "" = none
};

struct EventObject {
    int typeCode = 2; // 1 person, 2 system object
    int roleCode = 3; // 1 patient, 3 report, 11 security user entity, 24 query
    CodedValue idType; // e.g. 110180 Study Instance UID (DCM), 2 Patient Number (RFC-3881)
    std::string id;
    std::string query;                                  // the query (a dataset's bytes), base64 in the message
    std::vector<std::pair<std::string, int>> sopClasses; // UID and number of instances
    std::string description;
};

struct SecurityEvent {
    CodedValue id;
    std::vector<CodedValue> types;
    char action = 'E'; // C create, R read, U update, D delete, E execute
    int outcome = 0;   // 0 success, 4 minor failure, 8 serious failure, 12 major failure
    std::string outcomeDescription;
    std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
    std::vector<EventParticipant> participants;
    std::vector<EventObject> objects;
};

// The codes of PS3.16 (DCM) and RFC 3881 the events use.
namespace codes {
CodedValue applicationActivity();   // 110100
CodedValue instancesTransferred();  // 110104
CodedValue exportEvent();           // 110106
CodedValue query();                 // 110112
CodedValue securityAlert();         // 110113
CodedValue userAuthentication();    // 110114
CodedValue applicationStart();      // 110120
CodedValue applicationStop();       // 110121
CodedValue login();                 // 110122
CodedValue logout();                // 110123
CodedValue securityRolesChanged();  // 110136
CodedValue userSecurityChanged();   // 110137
CodedValue applicationRole();       // 110150
CodedValue applicationLauncher();   // 110151
CodedValue destinationRole();       // 110152
CodedValue sourceRole();            // 110153
CodedValue destinationMedia();      // 110154
CodedValue studyUid();              // 110180
CodedValue sopClassUid();           // 110181
CodedValue patientNumber();         // RFC-3881 2
CodedValue userIdentifier();        // RFC-3881 11
CodedValue uri();                   // RFC-3881 12
} // namespace codes

// The participant objects of a DICOM Instances Transferred event: the study with its SOP classes
// and counts, and its patient (by the ID as received).
EventObject studyObject(const std::string& studyUid, const std::vector<std::pair<std::string, int>>& sopClasses);
EventObject patientObject(const std::string& patientId);

// Hands `event` to the installed recorder (which must not block); nothing when there is none.
void recordSecurityEvent(const SecurityEvent& event);
// Whether a recorder is installed: lets a caller skip gathering what only an event would use.
bool securityEventsRecorded();
// Installs `recorder` for the whole process (empty: none).
void setSecurityEventRecorder(std::function<void(const SecurityEvent&)> recorder);

// What became of the recorded events, for /metrics (kept by the installed recorder).
struct SecurityEventDelivery {
    std::atomic<long long> sent{0};    // handed to the audit repository
    std::atomic<long long> dropped{0}; // not sent: the queue was full while the repository was unreachable
};
SecurityEventDelivery& securityEventDelivery();

// An entry of the store's audit trail (login, login-failed, logout, user-add, user-change, export)
// as the ATNA event it is; false for entries that are none (reviews, reference tables).
bool securityEventOfTrail(const std::string& username, const std::string& action, const std::string& detail,
                          const std::string& remote, SecurityEvent& event);

} // namespace fa
