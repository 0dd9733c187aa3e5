// `fluoroaudit fhir` and `fluoroaudit fhir-push` (docs/fhir.md).
#include "audit/FhirPusher.h"
#include "cli/Commands.h"
#include "core/Error.h"
#include "present/Fhir.h"
#include "present/Json.h"

#include <Poco/Logger.h>

#include <ostream>

namespace fa::cli {

int fhirStudy(Pipeline& pipeline, const std::string& studyUid, bool bundle, std::ostream& out, std::ostream& err) {
    const auto record = pipeline.store().study(studyUid);
    if (!record) {
        err << "No study " << studyUid << " in " << pipeline.settings().dataDir << " (list them with: fluoroaudit studies)\n";
        return 1;
    }
    const auto objects = pipeline.store().objectsOf(studyUid);
    const present::FhirStudy study{&*record, &objects, pipeline.settings().storePatientIdentifiers};
    present::printJson(out, bundle ? *present::fhirBundle({study}, "transaction") : *present::fhirObservation(study));
    return 0;
}

int fhirPush(Pipeline& pipeline, std::ostream& out, std::ostream& err) {
    const Settings& s = pipeline.settings();
    if (!s.fhir.configured()) {
        err << "No FHIR server to send to: set [fhir] url in the configuration (docs/fhir.md)\n";
        return 2;
    }
    FhirPusher pusher(s, Poco::Logger::get("fhir"));
    const auto [waiting, refused] = pipeline.store().fhirCounts(s.fhir.since);
    out << waiting << " stud" << (waiting == 1 ? "y" : "ies") << " to send to " << s.fhir.url
        << (refused ? " (" + std::to_string(refused) + " refused before, sent again when they change)" : std::string()) << "\n";
    try {
        const auto done = pusher.pushPending(pipeline.store(), [&](const FhirPushProgress& p) {
            out << "  " << p.sent << " sent, " << p.refused << " refused, " << p.waiting << " waiting\n" << std::flush;
        });
        out << done.sent << " sent, " << done.refused << " refused" << "\n";
        for (const auto& [study, why] : done.refusals)
            err << s.fhir.url << " refused the dose summary of study " << study << ": " << why
                << " (sent again when the study changes)\n";
        return done.refused ? 1 : 0;
    } catch (const Error& e) {
        err << e.what() << "\n(what was sent before is kept; run fhir-push again, or let `serve` retry)\n";
        return 1;
    }
}

} // namespace fa::cli
