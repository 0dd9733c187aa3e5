// A study's skin dose: computed where its objects change, kept in skin_doses (Rows.h).
#include "store/Rows.h"

#include <algorithm>

namespace fa::store {

void writeSkinDose(Database& s, const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                   const std::vector<std::string>& counted, const SkinDoseModel& model, const std::string& at) {
    std::vector<const DoseObject*> mapped;
    for (const DoseObject* o : objects)
        if (std::find(counted.begin(), counted.end(), o->sopInstanceUid) != counted.end()) mapped.push_back(o);
    const SkinDoseResult r = model.compute(mapped);
    s.run("DELETE FROM skin_doses WHERE study_uid = ?", {studyUid});
    s.run("INSERT INTO skin_doses (study_uid, psd_gy, region, missing, assumptions, dap_on_phantom, model, phantom, "
          "normalisation, around, along, map, events, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {studyUid, nullable(r.psd_Gy), r.region, r.missing, joinList(r.assumptions), nullable(r.dapOnPhantom), r.model,
           r.phantom, r.normalisation, integer(r.around), integer(r.along), r.map,
           integer(static_cast<long long>(r.events)), at});
    s.run("UPDATE studies SET psd_gy = ? WHERE study_uid = ?", {nullable(r.psd_Gy), studyUid});
}

std::optional<SkinDoseResult> readSkinDose(Database& s, const std::string& studyUid) {
    const Result rs = s.run("SELECT psd_gy, region, missing, assumptions, dap_on_phantom, model, phantom, normalisation, "
                            "around, along, map, events FROM skin_doses WHERE study_uid = ?",
                            {studyUid});
    const Columns c(rs);
    if (c.rows() == 0) return std::nullopt;
    SkinDoseResult r;
    r.psd_Gy = c.real("psd_gy", 0);
    r.region = c.text("region", 0);
    r.missing = c.text("missing", 0);
    r.assumptions = splitList(c.text("assumptions", 0));
    r.dapOnPhantom = c.real("dap_on_phantom", 0);
    r.model = c.text("model", 0);
    r.phantom = c.text("phantom", 0);
    r.normalisation = c.text("normalisation", 0);
    r.around = static_cast<int>(c.integer("around", 0).value_or(0));
    r.along = static_cast<int>(c.integer("along", 0).value_or(0));
    r.map = c.text("map", 0);
    r.events = static_cast<std::size_t>(c.integer("events", 0).value_or(0));
    return r;
}

} // namespace fa::store
