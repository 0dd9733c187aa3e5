#include "core/Text.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace fa {

namespace {

// One row per message: id, English, Simplified Chinese. {name} marks a value.
const std::vector<CatalogEntry> kCatalog = {
    // Requests
    {"request.noRoute", "no such API route: {route} (see docs/api.md)", "没有这个 API 路径：{route}（见 docs/api.md）"},
    {"request.noBody", "the request has no body: send a JSON object", "请求没有内容：请发送一个 JSON 对象"},
    {"request.notObject", "the body must be a JSON object", "请求内容必须是一个 JSON 对象"},
    {"request.badJson", "the body is not valid JSON: {reason}", "请求内容不是有效的 JSON：{reason}"},
    {"request.missing", "'{name}' is missing", "缺少“{name}”"},
    {"request.notBoolean", "'{name}' must be true or false", "“{name}”必须是 true 或 false"},
    {"request.notString", "'{name}' must be a string", "“{name}”必须是字符串"},
    {"request.notDate", "'{name}' must be a date YYYY-MM-DD, not '{value}'", "“{name}”必须是 YYYY-MM-DD 格式的日期，而不是“{value}”"},
    {"request.notCount", "'{name}' must be a whole number from 1 to {max}", "“{name}”必须是 1 到 {max} 之间的整数"},
    {"request.notNumber", "'{name}' must be a number, not '{value}'", "“{name}”必须是数字，而不是“{value}”"},
    {"request.notYear", "'{name}' must be a year such as 2026, not '{value}'", "“{name}”必须是年份（例如 2026），而不是“{value}”"},
    {"request.oneOf", "'{name}' is one of {choices}", "“{name}”只能是以下之一：{choices}"},
    {"request.internal", "internal error: {reason} (see the service log)", "内部错误：{reason}（见服务日志）"},
    // Sessions and roles
    {"session.logIn", "log in first (POST /api/login)", "请先登录（POST /api/login）"},
    {"session.ended", "the session has ended (logged out or idle too long): log in again",
     "会话已结束（已退出或闲置过久）：请重新登录"},
    {"session.needsRole", "this needs the {role} role; {user} is {has}", "此操作需要“{role}”角色；{user} 的角色是“{has}”"},
    {"session.csrf", "missing or wrong X-CSRF-Token header (reload the page)", "X-CSRF-Token 请求头缺失或错误（请重新加载页面）"},
    {"login.nameTooLong", "a user name has at most 64 characters", "用户名最多 64 个字符"},
    {"login.wrong", "wrong user name or password", "用户名或密码错误"},
    {"login.throttled", "too many failed logins: try again in {seconds} s", "登录失败次数过多：请在 {seconds} 秒后重试"},
    // Users
    {"user.badName", "a user name has 1 to 64 characters and no spaces or slashes", "用户名为 1 到 64 个字符，不含空格或斜杠"},
    {"user.exists", "a user named '{name}' exists already", "用户“{name}”已存在"},
    {"user.unknown", "no user {name}", "没有用户 {name}"},
    {"user.ownAdmin", "admins cannot take their own admin role", "管理员不能取消自己的管理员角色"},
    {"user.ownDisable", "admins cannot disable themselves", "管理员不能停用自己"},
    {"user.notBoolean", "'disabled' must be true or false", "“disabled”必须是 true 或 false"},
    {"user.nothingToChange", "nothing to change: send role, password or disabled", "没有要修改的内容：请发送 role、password 或 disabled"},
    {"password.short", "a password has at least 10 characters", "密码至少 10 个字符"},
    {"password.long", "a password has at most 1024 characters", "密码最多 1024 个字符"},
    // Studies and reviews
    {"study.unknown", "no study {uid}", "没有检查 {uid}"},
    {"study.noSuchFlag", "study {uid} has no {kind} flag for {metric}", "检查 {uid} 没有 {metric} 的“{kind}”标记"},
    {"study.patientSearch", "searching by patient ID needs the reviewer role", "按患者 ID 查找需要“审核员”角色"},
    {"review.needsComment", "a comment is needed to mark a flag {state}", "将标记设为“{state}”需要填写说明"},
    {"review.needsCommentMany", "a comment is needed to mark flags {state}", "将标记设为“{state}”需要填写说明"},
    {"followUp.unknown", "study {uid} has no follow-up (it has no substantial dose)", "检查 {uid} 没有随访（没有达到需随访的剂量）"},
    {"followUp.needsNote", "an outcome of 'other' needs a note saying what was seen", "结果为“其他”时需说明所见"},
    {"review.noStudies", "'study_uids' lists the studies to review", "“study_uids”应列出要审核的检查"},
    {"review.tooMany", "at most {max} studies at once", "一次最多 {max} 个检查"},
    // Reference levels
    {"levels.noneActive", "no reference table is active", "没有生效的参考水平表"},
    {"levels.badVersion", "a table version is a number, not '{value}'", "参考水平表的版本是数字，而不是“{value}”"},
    {"levels.unknownVersion", "no reference table version {version}", "没有第 {version} 版参考水平表"},
    {"levels.problems", "the table has {count} problem(s); the active table is unchanged", "该表有 {count} 处问题；生效的表未改变"},
    {"table.at", "line {line}: {reason}", "第 {line} 行：{reason}"},
    {"table.atColumn", "line {line}, column {column}: {reason}", "第 {line} 行，“{column}”列：{reason}"},
    {"table.notCsv", "not readable as CSV: {reason}", "无法按 CSV 读取：{reason}"},
    {"table.notNumber", "'{value}' is not a number (use a decimal point, e.g. 12.5)", "“{value}”不是数字（请使用小数点，例如 12.5）"},
    {"table.negative", "'{value}' is negative", "“{value}”是负数"},
    {"table.unknownColumn", "unknown column (the columns are {columns})", "未知的列（可用的列：{columns}）"},
    {"table.twice", "the column appears twice", "该列出现了两次"},
    {"table.columnMissing", "the column is missing", "缺少该列"},
    {"table.emptyMatch", "empty: use .* for a row that matches every study", "为空：匹配所有检查的行请用 .*"},
    {"table.badPattern", "'{value}' is not a valid regular expression: {reason}", "“{value}”不是有效的正则表达式：{reason}"},
    {"table.slowPattern",
     "'{value}' takes too much work on long descriptions (a repetition inside a repetition, such as (a+)+): write it "
     "without one",
     "“{value}”在较长的描述上计算量过大（重复中套重复，如 (a+)+）：请改写为不含这种结构的表达式"},
    {"table.cells", "the row has {cells} cells, the header {header}", "该行有 {cells} 个单元格，表头有 {header} 个"},
    {"table.emptyId", "empty: every row needs an id", "为空：每一行都需要一个编号"},
    {"table.duplicateId", "'{value}' is used by an earlier row", "“{value}”已被前面的行使用"},
    {"table.empty", "the table is empty: it needs the header line", "表为空：至少需要表头行"},
    {"table.emptyCell", "empty: the row needs a value here", "为空：该行此处需要一个值"},
    {"staff.protection", "'{value}' is no protection (none, apron, screen-centre, screen-edge or outside-screen)",
     "“{value}”不是防护方式（none 无防护、apron 铅衣、screen-centre 铅屏中央、screen-edge 铅屏边缘、outside-screen 铅屏外）"},
    {"staff.intensifier", "'{value}' is no intensifier position (above, below, or empty for either)",
     "“{value}”不是影像增强器位置（above 床上、below 床下，留空表示两者皆可）"},
    {"staff.duplicateRate", "an earlier row has the same device and position", "前面已有设备和位置相同的行"},
    {"staff.duplicateOperator", "'{value}' has an earlier row", "“{value}”在前面已有一行"},
    // Terms put into other messages
    {"state.unreviewed", "unreviewed", "未审核"},
    {"state.acknowledged", "acknowledged", "已知悉"},
    {"state.justified", "justified", "合理"},
    {"state.action-required", "action required", "需采取措施"},
    {"role.viewer", "viewer", "查看者"},
    {"role.reviewer", "reviewer", "审核员"},
    {"role.admin", "admin", "管理员"},
    {"kind.above-reference", "above reference level", "超过参考水平"},
    {"kind.investigation", "above investigation level", "超过调查水平"},
    {"kind.substantial", "substantial dose", "大剂量"},
    {"kind.cumulative", "cumulative patient dose", "患者累积剂量"},
    {"metric.shots", "shots", "曝光次数"},
    {"metric.fluoro_time_s", "fluoroscopy time", "透视时间"},
    {"metric.exposure_time_s", "exposure time", "曝光时间"},
    {"metric.dap_gycm2", "DAP", "DAP"},
    {"metric.kar_mgy", "Ka,r", "Ka,r"},
    // The nightly report
    {"report.title", "fluoroaudit audit {period}", "fluoroaudit 审计 {period}"},
    {"report.heading", "Fluoroscopy dose audit: {period}", "透视剂量审计：{period}"},
    {"report.run", "Run {run} ({trigger}), started {started}, report written {written} local time; reference table version {version}.",
     "第 {run} 次运行（{trigger}），开始于 {started}，报告生成于 {written}（本地时间）；参考水平表版本 {version}。"},
    {"report.outcome", "Outcome:", "结果："},
    {"trigger.schedule", "scheduled", "定时"},
    {"trigger.command", "command", "命令"},
    {"outcome.running", "running", "进行中"},
    {"outcome.ok", "ok", "成功"},
    {"outcome.partial", "partial", "部分完成"},
    {"outcome.failed", "failed", "失败"},
    {"report.fig.studies", "studies", "项检查"},
    {"report.fig.newFlags", "new flags", "个新标记"},
    {"report.fig.openFlags", "open flags (unreviewed)", "个未审核标记"},
    {"report.fig.stale", "unreviewed > {days} days", "个超过 {days} 天未审核"},
    {"report.fig.missing", "missing dose data", "项缺少剂量数据"},
    {"report.fig.retrieved", "retrieved from PACS", "项从 PACS 取回"},
    {"report.fig.errors", "errors", "个错误"},
    {"report.errors", "Errors of this run", "本次运行的错误"},
    {"report.followUps", "Follow-up of substantial doses", "高剂量患者随访"},
    {"report.noFollowUps", "No follow-up is open.", "没有待随访的患者。"},
    {"report.followUpsCount", "{open} open, {overdue} of them overdue: record what the skin showed on the Follow-up page.",
     "{open} 项待随访，其中 {overdue} 项已逾期：请在“随访”页记录皮肤所见。"},
    {"report.followUp.open", "open", "待随访"},
    {"report.followUp.overdue", "overdue", "已逾期"},
    {"report.col.reasons", "Reasons", "原因"},
    {"report.col.due", "Due", "随访时间"},
    {"report.col.state", "State", "状态"},
    {"report.perGroup", "Studies per procedure and device", "各手术类型和设备的检查数"},
    {"report.noStudies", "No studies dated in this period.", "本期间没有检查。"},
    {"report.col.procedure", "Procedure", "手术类型"},
    {"report.col.device", "Device", "设备"},
    {"report.col.studies", "Studies", "检查数"},
    {"report.col.studyDate", "Study date", "检查日期"},
    {"report.col.study", "Study", "检查"},
    {"report.col.flag", "Flag", "标记"},
    {"report.col.metric", "Metric", "指标"},
    {"report.col.value", "Value", "数值"},
    {"report.col.level", "Level", "水平"},
    {"report.col.review", "Review", "审核"},
    {"report.col.raised", "Raised", "产生时间"},
    {"report.col.name", "Name", "名称"},
    {"report.col.median", "Median", "中位数"},
    {"report.col.p75", "75th percentile", "第 75 百分位数"},
    {"report.col.aboveLevel", "Median > level", "中位数 > 水平"},
    {"report.col.suggested", "Suggested local DRL", "建议的本地 DRL"},
    {"report.col.studyUid", "Study UID", "检查 UID"},
    {"report.col.finding", "Finding", "发现"},
    {"report.col.warning", "Warning", "警告"},
    {"report.col.message", "Message", "说明"},
    {"report.col.times", "Times", "次数"},
    {"report.col.what", "What", "内容"},
    {"report.col.object", "Object", "对象"},
    {"report.unknown", "unknown", "未知"},
    {"report.unclassified", "unclassified", "未分类"},
    {"report.newFlags", "New flags", "新标记"},
    {"report.newOfPeriod", "Flags of the period's studies: {count}, of which {reviewed} reviewed already. Open flags in all: {open}.",
     "本期间检查的标记：{count} 个，其中 {reviewed} 个已审核。全部未审核标记：{open} 个。"},
    {"report.newSince",
     "Flags first raised since the previous audit run ended ({since}): {count}, of which {reviewed} reviewed already. Open flags in all: {open}.",
     "自上次审计运行结束（{since}）以来新产生的标记：{count} 个，其中 {reviewed} 个已审核。全部未审核标记：{open} 个。"},
    {"report.stale", "Unreviewed flags older than {days} days", "超过 {days} 天未审核的标记"},
    {"report.none", "None.", "无。"},
    {"report.drl", "DRL audit (ICRP 135) of the period", "本期间的 DRL 审核（ICRP 135）"},
    {"report.noLevel", "no level", "未设水平"},
    {"report.yes", "yes", "是"},
    {"report.no", "no", "否"},
    {"report.fewCases", "only {n} case(s); a local DRL needs at least {min}", "仅 {n} 例；本地 DRL 至少需要 {min} 例"},
    {"report.noFigures", "No study figures in this period.", "本期间没有检查数据。"},
    {"report.legend.study", "study", "检查"},
    {"report.legend.median", "median", "中位数"},
    {"report.legend.level", "reference level", "参考水平"},
    {"report.legend.drl", "suggested local DRL", "建议的本地 DRL"},
    {"report.staff", "Staff dose estimate, {year} so far", "工作人员剂量估算（{year} 年至今）"},
    {"report.staffNote",
     "An estimate, not a dosimeter reading: each study's exposure time × the ambient dose-equivalent rate measured at the "
     "operator's position (docs/staff-dose.md; without a profile of their own: 1 m, no protection, the higher of the rates "
     "with the intensifier above or below the table, a conservative default), against the annual level of {level} mSv.",
     "估算值，并非个人剂量计读数：每次检查的曝光时间 × 在操作者站位测得的周围剂量当量率（无个人站位者按 1 米、无防护、"
     "取影像增强器床上与床下中较高的剂量率，为保守的默认值），与年度水平 {level} mSv 比较。"},
    {"report.notNamed", "(not named)", "（未署名）"},
    {"report.col.operator", "Operator", "操作者"},
    {"report.col.estimate", "Estimate (μSv)", "估算（μSv）"},
    {"report.col.ofLevel", "Of the annual level", "占年度水平"},
    {"report.col.aboveAnnual", "Above it", "超过"},
    {"report.col.withoutEstimate", "Without estimate", "无估算"},
    {"report.survey", "Regional survey of the group's sites (ICRP 135)", "集团各院区区域调查（ICRP 135）"},
    {"report.surveyNote",
     "Each site's median counts with at least {min} studies; the regional DRL is the 75th percentile of the counted "
     "medians, given {sites} sites.",
     "院区至少 {min} 例时其中位数计入；区域 DRL 为计入的各院区中位数的第 75 百分位数，至少需 {sites} 个院区。"},
    {"report.col.site", "Site", "院区"},
    {"report.col.regionalDrl", "Regional DRL", "区域 DRL"},
    {"report.col.aboveRegional", "Above it", "高于区域 DRL"},
    {"report.tooFewSites", "— ({n} site(s) counted)", "—（计入 {n} 个院区）"},
    {"report.siteFew", "{n} (too few)", "{n}（例数不足）"},
    {"report.site", "Site {site}", "院区 {site}"},
    {"report.missing", "Missing dose data", "缺少剂量数据"},
    {"report.noMissing", "None: every study of the period has a dose report.", "无：本期间每项检查都有剂量报告。"},
    {"report.warnings", "Data-quality warnings", "数据质量警告"},
    {"report.reconciliation", "Reconciliation with PACS", "与 PACS 核对"},
    {"report.noPacs", "No PACS configured: the store was audited as it is.", "未配置 PACS：按现有数据审计。"},
    {"report.pacs",
     "PACS {pacs}: {studies} fluoroscopy studies and {objects} dose objects in the period; {retrieved} retrieved, {failed} failed.",
     "PACS {pacs}：本期间 {studies} 项透视检查、{objects} 个剂量对象；取回 {retrieved} 个，失败 {failed} 个。"},
    {"metricUnit.shots", "Shots", "曝光次数"},
    {"metricUnit.fluoro_time_s", "Fluoroscopy time (s)", "透视时间（秒）"},
    {"metricUnit.exposure_time_s", "Exposure time (s)", "曝光时间（秒）"},
    {"metricUnit.dap_gycm2", "DAP (Gy·cm²)", "DAP（Gy·cm²）"},
    {"metricUnit.kar_mgy", "Ka,r (mGy)", "Ka,r（mGy）"},
    {"metricUnit.psd_mgy", "Peak skin dose (mGy)", "峰值皮肤剂量（mGy）"},
    // Audit runs
    {"run.badId", "a run is a number, not '{value}'", "审计运行的编号是数字，而不是“{value}”"},
    {"run.unknown", "no audit run {run}", "没有审计运行 {run}"},
    {"run.noReport", "audit run {run} has no report (it ended before writing one)", "审计运行 {run} 没有报告（它在写报告之前就结束了）"},
    {"run.reportGone", "audit run {run} has no report any more: {file} was removed", "审计运行 {run} 的报告已不存在：{file} 已被删除"},
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

Language languageOf(const std::string& preference) {
    // The first language named wins; q-values are rarely other than descending.
    std::size_t start = 0;
    const std::string p = lower(preference);
    while (start < p.size()) {
        std::size_t end = p.find(',', start);
        if (end == std::string::npos) end = p.size();
        std::string item = p.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        if (item.rfind("zh", 0) == 0) return Language::Chinese;
        if (item.rfind("en", 0) == 0) return Language::English;
        start = end + 1;
    }
    return Language::English;
}

std::string localName(const std::string& name, Language language) {
    // Where the Latin part begins: the first ASCII letter after a space that follows a non-ASCII character.
    bool sawCjk = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 0x80) sawCjk = true;
        else if (std::isalpha(c)) {
            if (!sawCjk) return name; // Latin first: one language
            std::size_t cut = i;
            while (cut > 0 && name[cut - 1] == ' ') --cut;
            if (cut == i) return name; // no space between the two
            return language == Language::Chinese ? name.substr(0, cut) : name.substr(i);
        }
    }
    return name;
}

const char* languageCode(Language language) { return language == Language::Chinese ? "zh" : "en"; }

const std::vector<CatalogEntry>& catalog() { return kCatalog; }

namespace {

constexpr char kTerm = '\x1f'; // starts a value that is a catalog id (never in data: a control character)

const CatalogEntry* entry(const std::string& id) {
    static const std::unordered_map<std::string, const CatalogEntry*> byId = [] {
        std::unordered_map<std::string, const CatalogEntry*> m;
        for (const auto& e : kCatalog) m.emplace(e.id, &e);
        return m;
    }();
    const auto it = byId.find(id);
    return it == byId.end() ? nullptr : it->second;
}

std::string valueIn(const std::string& value, Language language) {
    if (value.empty() || value[0] != kTerm) return value;
    const std::string id = value.substr(1);
    if (const CatalogEntry* e = entry(id)) return language == Language::Chinese ? e->chinese : e->english;
    return id.substr(id.find('.') + 1);
}

} // namespace

std::string term(const std::string& id) { return kTerm + id; }

std::string Text::in(Language language) const {
    const CatalogEntry* e = entry(id);
    if (!e) {
        std::string s = id;
        for (const auto& [name, value] : values) s += " " + name + "=" + valueIn(value, language);
        for (const auto& [name, part] : parts) s += " " + name + "=" + part->in(language);
        return s;
    }
    std::string s = language == Language::Chinese ? e->chinese : e->english;
    auto put = [&s](const std::string& name, const std::string& value) {
        const std::string mark = "{" + name + "}";
        for (std::size_t at = s.find(mark); at != std::string::npos; at = s.find(mark, at + value.size()))
            s.replace(at, mark.size(), value);
    };
    for (const auto& [name, raw] : values) put(name, valueIn(raw, language));
    for (const auto& [name, part] : parts) put(name, part->in(language));
    return s;
}

Text Text::with(const std::string& name, const Text& part) const {
    Text t = *this;
    t.parts.emplace_back(name, std::make_shared<const Text>(part));
    return t;
}

Text text(std::string id, std::vector<std::pair<std::string, std::string>> values) {
    Text t;
    t.id = std::move(id);
    t.values = std::move(values);
    return t;
}

} // namespace fa
