// The subcommands of the `fluoroaudit` binary. Each returns the process exit code.
#pragma once

#include "pipeline/Pipeline.h"
#include "service/Service.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace fa::cli {

// Re-extracts every kept object (after an upgrade) and recomputes the studies.
int reprocess(Pipeline& pipeline, bool progress, std::ostream& out, std::ostream& err);

int ingest(Pipeline& pipeline, const std::vector<std::string>& paths, bool progress, std::ostream& out,
           std::ostream& err);

struct ListOptions {
    std::string from, to; // YYYY-MM-DD
    std::string site;     // one site's studies only
    bool json = false;
    std::string xlsx; // write the workbook (studies, events, DRL audit) here instead
};
int studies(Pipeline& pipeline, const ListOptions& options, std::ostream& out);
int show(Pipeline& pipeline, const std::string& studyUid, bool json, std::ostream& out, std::ostream& err);

int serveCommand(const Settings& settings, const std::vector<AddonFactory>& addons = {});

// Who the audit trail names for a change made on the command line: "(command line: USER)".
std::string commandLineActor();

// Local users of the web UI. `add` reads the password from standard input when it is not a
// terminal, else asks twice without echo.
int userAdd(Pipeline& pipeline, const std::string& name, const std::string& role, std::istream& in, std::ostream& out);
int userPassword(Pipeline& pipeline, const std::string& name, std::istream& in, std::ostream& out);
int userList(Pipeline& pipeline, std::ostream& out);
int userSetRole(Pipeline& pipeline, const std::string& name, const std::string& role, std::ostream& out);
int userDisable(Pipeline& pipeline, const std::string& name, bool disabled, std::ostream& out);
// 0 when the service runs and answers C-ECHO, 3 otherwise.
int status(const Settings& settings, std::ostream& out);
// A consistent copy of the store into the new folder `destination`, while serve runs or not.
int backup(const Settings& settings, const std::string& destination, std::ostream& out);
// Puts a backup back into the data folder (serve stopped); `replace` sets an existing store aside.
int restore(const Settings& settings, const std::string& source, bool replace, std::ostream& out);
// `fluoroaudit check-store`: the whole database looked at for damage; exit 1 when damaged.
int checkStoreCommand(Pipeline& pipeline, std::ostream& out);
// Copies the data folder's SQLite store into the PostgreSQL database at `url` (store copy).
int storeCopy(const Settings& settings, const std::string& url, const std::string& passwordFile, std::ostream& out,
              std::ostream& err);
int quarantine(const Settings& settings, const std::string& retry, std::ostream& out);
int checkConfig(const std::string& file, std::ostream& out);
// Every configuration key with its type, default and meaning, as Markdown rows.
int printConfigKeys(std::ostream& out);

// `ownSite`: this site's own table (sites sharing a database), else the group's default.
int levelsImport(Pipeline& pipeline, const std::string& file, bool ownSite, std::ostream& out, std::ostream& err);
int levelsExport(Pipeline& pipeline, const std::string& file, std::ostream& out); // "" = standard output
int levelsHistory(Pipeline& pipeline, std::ostream& out);

// The staff dose estimate: each operator's year; the rates or operator profiles ("rates", "profiles").
int staffYear(Pipeline& pipeline, int year, bool json, std::ostream& out);
int staffImport(Pipeline& pipeline, const std::string& kind, const std::string& file, std::ostream& out, std::ostream& err);
int staffExport(Pipeline& pipeline, const std::string& kind, const std::string& file, std::ostream& out); // "" = standard output

// Follow-up of substantial doses: the list (state open, overdue, closed, withdrawn or all), and an outcome.
int followUps(Pipeline& pipeline, const std::string& state, bool json, std::ostream& out);
int recordFollowUp(Pipeline& pipeline, const std::string& studyUid, const std::string& outcome, const std::string& note,
                   std::ostream& out, std::ostream& err);

// The study's dose as FHIR (docs/fhir.md): its Observation, or a Bundle with the resources it
// refers to; and everything waiting sent to [fhir] url once.
int fhirStudy(Pipeline& pipeline, const std::string& studyUid, bool bundle, std::ostream& out, std::ostream& err);
int fhirPush(Pipeline& pipeline, std::ostream& out, std::ostream& err);

struct FlagOptions {
    std::string from, to, kind, site;
    bool json = false;
};
int flags(Pipeline& pipeline, const FlagOptions& options, std::ostream& out);

struct StatsOptions {
    std::string from, to;
    bool byDevice = false;
    bool bySite = false; // the regional survey of the group's sites
    std::string site;    // one site's studies only
    bool json = false;
};
int stats(Pipeline& pipeline, const StatsOptions& options, std::ostream& out);
int reevaluate(Pipeline& pipeline, std::ostream& out);

struct AuditOptions {
    std::string date, from, to; // YYYY-MM-DD; none = yesterday
    bool noMail = false;
    bool scheduled = false; // as serve's schedule runs it: a day this site audited already is not run again
};
// Exit code 0 when the run is ok, 1 when partial, 2 when it failed.
int auditNightly(const Settings& settings, AuditOptions options, std::ostream& out, std::ostream& err);
int auditRuns(Pipeline& pipeline, std::size_t limit, bool json, std::ostream& out);
int auditShow(Pipeline& pipeline, std::int64_t id, bool json, std::ostream& out, std::ostream& err);

// Accepts YYYY-MM-DD or YYYYMMDD; throws fa::Error otherwise.
std::string parseDateOption(const std::string& option, const std::string& value);

} // namespace fa::cli
