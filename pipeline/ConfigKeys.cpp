#include "pipeline/ConfigKeys.h"

#include <algorithm>

namespace fa {

namespace {

// The edit distance of `a` and `b`, or `limit` as soon as it cannot be below it.
std::size_t editDistance(const std::string& a, const std::string& b, std::size_t limit) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        std::size_t least = row[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
            least = std::min(least, row[j]);
        }
        if (least >= limit) return limit;
    }
    return std::min(row[b.size()], limit);
}

// "dicom.port" -> ("dicom", "port"); "peer.A.B.host" -> ("peer.A.B", "host").
std::pair<std::string, std::string> split(const std::string& dotted) {
    const auto dot = dotted.rfind('.');
    if (dot == std::string::npos) return {"", dotted};
    return {dotted.substr(0, dot), dotted.substr(dot + 1)};
}

bool isNamed(const ConfigKey& k) { return k.section.size() > 5 && k.section.compare(k.section.size() - 5, 5, ".NAME") == 0; }

std::string displayName(const ConfigKey& k) { return "[" + k.section + "] " + k.name; }

} // namespace

const std::vector<ConfigKey>& configKeys() {
    static const std::vector<ConfigKey> table = buildConfigKeys();
    return table;
}

const ConfigKey* findConfigKey(const std::string& dotted, std::string& instance) {
    const auto [section, name] = split(dotted);
    for (const auto& k : configKeys()) {
        if (k.name == "*" && dotted.rfind(k.section + ".", 0) == 0) {
            instance = dotted.substr(k.section.size() + 1);
            return &k;
        }
        if (k.name != name) continue;
        if (k.section == section) return &k;
        const std::string prefix = k.section.substr(0, k.section.size() - 4); // "peer."
        if (isNamed(k) && section.size() > prefix.size() && section.rfind(prefix, 0) == 0) {
            instance = section.substr(prefix.size());
            return &k;
        }
    }
    return nullptr;
}

std::string didYouMean(const std::string& dotted) {
    const auto [section, name] = split(dotted);
    const ConfigKey* best = nullptr;
    std::size_t bestDistance = 3; // more than two edits away is no longer a typo
    for (const auto& k : configKeys()) {
        if (k.name == "*") continue;
        const bool sameSection = k.section == section || (isNamed(k) && section.rfind(k.section.substr(0, k.section.size() - 4), 0) == 0);
        const std::string candidate = sameSection ? k.name : k.section + "." + k.name;
        const std::string& written = sameSection ? name : dotted;
        // Lengths three apart are three edits apart: no need to measure (a 16 KB key took seconds).
        const std::size_t gap = written.size() > candidate.size() ? written.size() - candidate.size()
                                                                  : candidate.size() - written.size();
        if (gap >= bestDistance) continue;
        const std::size_t d = editDistance(written, candidate, bestDistance);
        if (d < bestDistance) {
            bestDistance = d;
            best = &k;
        }
    }
    return best ? "did you mean " + displayName(*best) + "?" : "";
}

std::string configKeysMarkdown() {
    std::string out = "| section | key | value | default | meaning |\n|---|---|---|---|---|\n";
    for (const auto& k : configKeys()) {
        const std::string def = k.defaultText();
        out += "| `[" + k.section + "]` | `" + k.name + "` | " + k.type + " | " + (def.empty() ? "" : "`" + def + "`") +
               " | " + k.help + " |\n";
    }
    return out;
}

} // namespace fa
