// The subcommands of the `fluoroaudit` binary. Each returns the process exit code.
#pragma once

#include "plugin/Pipeline.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace fa::cli {

int ingest(Pipeline& pipeline, const std::vector<std::string>& paths, bool progress, std::ostream& out,
           std::ostream& err);

struct ListOptions {
    std::string from, to; // YYYY-MM-DD
    bool json = false;
};
int studies(Pipeline& pipeline, const ListOptions& options, std::ostream& out);
int show(Pipeline& pipeline, const std::string& studyUid, bool json, std::ostream& out, std::ostream& err);

// Accepts YYYY-MM-DD or YYYYMMDD; throws fa::Error otherwise.
std::string parseDateOption(const std::string& option, const std::string& value);

} // namespace fa::cli
