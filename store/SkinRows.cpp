// A study's skin dose: computed where its objects change, kept in skin_doses (Rows.h).
#include "store/Rows.h"

#include <algorithm>

namespace fa::store {

namespace {

// A note in one text: code, then name=value pairs, then the English text, tab-separated (none of
// them holds a tab); several notes joined as lists are (joinList).
// Neither a tab (between fields) nor a backslash (between notes) in what a report wrote.
std::string plain(std::string s) {
    for (char& c : s)
        if (c == '\t') c = ' ';
        else if (c == '\\') c = '/';
    return s;
}

std::string encodeNote(const SkinNote& n) {
    if (n.empty()) return "";
    std::string out = plain(n.code);
    for (const auto& [name, value] : n.params) out += "\t" + plain(name) + "=" + plain(value);
    return out + "\t" + plain(n.text);
}

SkinNote decodeNote(const std::string& s) {
    SkinNote n;
    if (s.empty()) return n;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t tab; (tab = s.find('\t', start)) != std::string::npos; start = tab + 1) parts.push_back(s.substr(start, tab - start));
    parts.push_back(s.substr(start));
    n.code = parts.front();
    n.text = parts.back();
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        n.params.emplace_back(parts[i].substr(0, eq), eq == std::string::npos ? "" : parts[i].substr(eq + 1));
    }
    return n;
}

} // namespace

void writeSkinDose(Database& s, const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                   const std::vector<std::string>& counted, const SkinDoseModel& model, const std::string& at) {
    std::vector<const DoseObject*> mapped;
    for (const DoseObject* o : objects)
        if (std::find(counted.begin(), counted.end(), o->sopInstanceUid) != counted.end()) mapped.push_back(o);
    const SkinDoseResult r = model.compute(mapped);
    std::vector<std::string> assumptions;
    for (const auto& a : r.assumptions) assumptions.push_back(encodeNote(a));
    s.run("DELETE FROM skin_doses WHERE study_uid = ?", {studyUid});
    s.run("INSERT INTO skin_doses (study_uid, psd_gy, region, missing, assumptions, dap_on_phantom, model, phantom, "
          "normalisation, around, along, map, events, flat_cm, radius_cm, length_cm, computed_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {studyUid, nullable(r.psd_Gy), r.region, encodeNote(r.missing), joinList(assumptions), nullable(r.dapOnPhantom),
           r.model, r.phantom, r.normalisation, integer(r.around), integer(r.along), r.map,
           integer(static_cast<long long>(r.events)), r.flat_cm, r.radius_cm, r.length_cm, at});
    s.run("UPDATE studies SET psd_gy = ? WHERE study_uid = ?", {nullable(r.psd_Gy), studyUid});
}

std::optional<SkinDoseResult> readSkinDose(Database& s, const std::string& studyUid) {
    const Result rs = s.run("SELECT psd_gy, region, missing, assumptions, dap_on_phantom, model, phantom, normalisation, "
                            "around, along, map, events, flat_cm, radius_cm, length_cm FROM skin_doses WHERE study_uid = ?",
                            {studyUid});
    const Columns c(rs);
    if (c.rows() == 0) return std::nullopt;
    SkinDoseResult r;
    r.psd_Gy = c.real("psd_gy", 0);
    r.region = c.text("region", 0);
    r.missing = decodeNote(c.text("missing", 0));
    for (const auto& a : splitList(c.text("assumptions", 0))) r.assumptions.push_back(decodeNote(a));
    r.dapOnPhantom = c.real("dap_on_phantom", 0);
    r.model = c.text("model", 0);
    r.phantom = c.text("phantom", 0);
    r.normalisation = c.text("normalisation", 0);
    r.around = static_cast<int>(c.integer("around", 0).value_or(0));
    r.along = static_cast<int>(c.integer("along", 0).value_or(0));
    r.map = c.text("map", 0);
    r.events = static_cast<std::size_t>(c.integer("events", 0).value_or(0));
    r.flat_cm = c.real("flat_cm", 0).value_or(0);
    r.radius_cm = c.real("radius_cm", 0).value_or(0);
    r.length_cm = c.real("length_cm", 0).value_or(0);
    return r;
}

} // namespace fa::store
