// The reference-level table: read, replace, history, restore.
#pragma once

#include "api/Context.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::api {

class LevelsResource : public Call {
public:
    using Call::Call;
    ApiResponse levels();
    ApiResponse replaceLevels();
    ApiResponse levelHistory();
    ApiResponse levelVersion(const std::string& text);
    ApiResponse restoreLevels();
    // What a table ({"csv"} or a stored {"version"}) would change if activated; nothing changes.
    ApiResponse previewLevels();
    // Which recent studies a match expression (and device) would catch, as the table would match it.
    ApiResponse testMatch();
    // What the studies of a procedure (default: the unclassified ones) are called, ready to map.
    ApiResponse descriptions();

private:
    // `ownSite`: as this site's own table, else as the group's default.
    ApiResponse activate(const std::string& csv, const Text& source, const std::string& action, bool ownSite);
    std::optional<store::ReferenceTableVersion> version(const std::string& text);
};

} // namespace fa::api
