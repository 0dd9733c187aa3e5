#include "present/DrlAudit.h"

#include <algorithm>
#include <map>

namespace fa {

std::string deviceLabel(const DeviceInfo& device) {
    if (!device.station.empty()) return device.station;
    if (!device.model.empty()) return device.model;
    return device.manufacturer;
}

std::vector<DrlRow> drlAudit(const std::vector<store::StudyRecord>& studies, const rules::LevelEvaluator& levels,
                             bool byDevice) {
    using rules::Metric;
    struct Group {
        std::string name;
        std::map<Metric, std::vector<double>> values;
    };
    std::map<std::pair<std::string, std::string>, Group> groups;
    for (const auto& s : studies) {
        const std::string id = s.procedureId.empty() ? rules::kUnclassified : s.procedureId;
        auto& group = groups[{id, byDevice ? deviceLabel(s.device) : ""}];
        if (group.name.empty()) group.name = s.procedureName;
        const auto values = rules::metricsOf(s.summary);
        for (Metric m : rules::kMetrics)
            if (values[rules::index(m)]) group.values[m].push_back(*values[rules::index(m)]);
    }
    const auto& rows = levels.table().rows();
    auto levelOf = [&](const std::string& id, Metric m) -> std::optional<double> {
        for (const auto& r : rows)
            if (r.procedureId == id) return r.levels[rules::index(m)];
        return std::nullopt;
    };
    std::vector<DrlRow> out;
    for (auto& [key, group] : groups) {
        for (auto& [metric, values] : group.values) {
            DrlRow row;
            row.procedureId = key.first;
            row.procedureName = group.name;
            row.device = key.second;
            row.metric = metric;
            std::sort(values.begin(), values.end());
            row.statistics = rules::statisticsOf(values, levelOf(key.first, metric));
            row.values = std::move(values);
            out.push_back(std::move(row));
        }
    }
    return out;
}

std::vector<DrlRow> drlAudit(store::StudyStore& store, const rules::LevelEvaluator& levels, const std::string& from,
                             const std::string& to, bool byDevice) {
    return drlAudit(store.figures(store::StudyFilter::between(from, to)), levels, byDevice);
}

} // namespace fa
