#include "present/Xlsx.h"

#include "core/Error.h"
#include "present/DrlAudit.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace fa::present {

namespace {

// A file of our own in the temporary folder, removed when done (libxlsxwriter writes to a file).
class TemporaryFile {
public:
    TemporaryFile() {
        const char* base = std::getenv("TMPDIR");
        path_ = std::string(base && *base ? base : "/tmp") + "/fluoroaudit-export-XXXXXX";
        const int fd = ::mkstemp(path_.data());
        if (fd < 0) throw Error("cannot create a temporary file for the XLSX export in " + path_);
        ::close(fd);
    }
    ~TemporaryFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Sheet names: at most 31 characters, none of []:*?/\.
std::string sheetName(const std::string& name) {
    std::string out;
    for (char c : name)
        if (std::string("[]:*?/\\").find(c) == std::string::npos && out.size() < 31) out += c;
    return out.empty() ? "Sheet" : out;
}

} // namespace

std::string xlsxOf(const std::vector<ExportTable>& sheets) {
    const TemporaryFile file;
    lxw_workbook* workbook = workbook_new(file.path().c_str());
    if (!workbook) throw Error("cannot start an XLSX workbook in " + file.path());
    lxw_format* bold = workbook_add_format(workbook);
    format_set_bold(bold);
    for (const auto& t : sheets) {
        lxw_worksheet* sheet = workbook_add_worksheet(workbook, sheetName(t.name).c_str());
        std::vector<bool> numeric;
        for (std::size_t c = 0; c < t.header.size(); ++c) {
            worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
            numeric.push_back(t.numericColumns.count(c < t.keys.size() ? t.keys[c] : t.header[c]) > 0);
        }
        worksheet_freeze_panes(sheet, 1, 0);
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const auto row = static_cast<lxw_row_t>(r + 1);
            for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
                const std::string& cell = t.rows[r][c];
                if (cell.empty()) continue;
                const auto col = static_cast<lxw_col_t>(c);
                char* end = nullptr;
                const double v = c < numeric.size() && numeric[c] ? std::strtod(cell.c_str(), &end) : 0;
                if (end && *end == '\0') worksheet_write_number(sheet, row, col, v, nullptr);
                else worksheet_write_string(sheet, row, col, cell.c_str(), nullptr); // text, never a formula
            }
        }
    }
    if (const lxw_error e = workbook_close(workbook); e != LXW_NO_ERROR)
        throw Error(std::string("cannot write the XLSX workbook: ") + lxw_strerror(e));
    std::ifstream in(file.path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

StudiesWorkbook studiesWorkbook(store::StudyStore& store, const rules::LevelEvaluator& levels,
                                const store::StudyFilter& filter, const StudyCsvOptions& options) {
    const auto studies = store.studies(filter);
    std::vector<StudyEvents> events;
    events.reserve(studies.size());
    PerPlane perPlane;
    for (const auto& s : studies) {
        events.push_back({&s, store.objectsOf(s.study.studyUid)});
        if (auto planes = perPlaneFigures(s, events.back().objects); !planes.empty())
            perPlane.emplace(s.study.studyUid, std::move(planes));
    }
    const ExportTable eventRows = eventsTable(events, options.form);
    StudiesWorkbook w;
    w.studies = studies.size();
    w.events = eventRows.rows.size();
    // The DRL audit of exactly the studies exported (every filter of the page, the procedure's too).
    StudyCsvOptions withPlanes = options;
    withPlanes.perPlane = &perPlane;
    w.bytes = xlsxOf({studiesTable(studies, withPlanes), eventRows, drlTable(drlAudit(studies, levels, false), options.form)});
    return w;
}

} // namespace fa::present
