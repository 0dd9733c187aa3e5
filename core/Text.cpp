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
    // Data-quality warnings (core/Warning.h): the sentences, then the names put into them
    {"warn.impossible", "{what} {value} {unit} is not a possible value ({min} to {max} {unit}): ignored", "{what} {value} {unit} 不是可能的值（应在 {min} 至 {max} {unit} 之间）：已忽略"},
    {"warn.totalsMismatch", "{what}: total {total} {unit} but the events add up to {sum} {unit}", "{what}：总计 {total} {unit}，但各事件合计为 {sum} {unit}"},
    {"warn.noAccumulated", "the report has no Accumulated X-Ray Dose Data; totals are summed from its events", "报告没有累积 X 射线剂量数据（Accumulated X-Ray Dose Data）；总量由各事件相加得出"},
    {"warn.noDapTotal", "the report gives no Dose Area Product Total", "报告没有给出剂量面积乘积总量"},
    {"warn.overlappingReports", "dose reports {first} and {second} share some but not all irradiation events; their totals are added and may count the shared events twice", "剂量报告 {first} 与 {second} 有部分（而非全部）照射事件相同；两者总量相加，共有的事件可能被计算两次"},
    {"warn.imageSumsDiffer", "the images received add up to {images} Gy·cm² of the {device} Gy·cm² the device totals: runs of the study are missing here; the device's totals are used", "收到的图像合计 {images} Gy·cm²，而设备总计为 {device} Gy·cm²：本检查有序列未收到；采用设备的总量"},
    {"warn.sopReused", "the same SOP Instance UID was also received for study {uid} (an edited or re-anonymised copy?)", "同一 SOP Instance UID 也在检查 {uid} 中收到过（可能是编辑过或重新匿名化的副本）"},
    {"warn.attributeNotNumber", "attribute {name} '{value}' is not a number; not used", "属性 {name} 的值“{value}”不是数字；未使用"},
    {"warn.notNumber", "{what} '{value}' is not a number; not used", "{what}的值“{value}”不是数字；未使用"},
    {"warn.unitUnknown", "{what} written in unknown unit '{unit}'; value not used", "{what}使用了未知单位“{unit}”；该值未使用"},
    {"warn.unitConverted", "{quantity} values written in {unit} instead of {standard}; converted", "{quantity}的值以 {unit} 而非 {standard} 记录；已换算"},
    {"warn.cineWithoutFrameTime", "cine run without Frame Time: its duration is unknown", "电影序列没有帧时间（Frame Time）：其持续时间未知"},
    {"warn.imageWithoutExposureTime", "image without Exposure Time: its exposure time is unknown", "图像没有曝光时间（Exposure Time）：其曝光时间未知"},
    {"warn.templateUnexpected", "template identifier is TID {id}, read as TID 10001", "模板标识为 TID {id}，按 TID 10001 读取"},
    {"warn.templateMissing", "no template identifier (TID 10001); read by its root concept X-Ray Radiation Dose Report", "没有模板标识（TID 10001）；按其根概念“X 射线辐射剂量报告”读取"},
    {"warn.eventTypeUnknown", "Irradiation Event Type ({value}, {scheme}) is not one of CID 10002; event counted as a shot only", "照射事件类型（{value}, {scheme}）不属于 CID 10002；该事件只计为一次曝光"},
    {"warn.eventTypeMissing", "an irradiation event has no Irradiation Event Type", "有照射事件没有照射事件类型"},
    {"warn.srStructure", "content items without Relationship Type (a strict SR reader rejects this report)", "内容项缺少关系类型（Relationship Type）（严格的 SR 读取程序会拒绝此报告）"},
    {"warn.charsetBytes", "text in character set '{charset}': {problem}; shown as U+FFFD", "字符集“{charset}”中的文字：{problem}；以 U+FFFD 显示"},
    {"warn.charsetByteAt", "byte {byte} at position {position} is in no character set it declares", "位置 {position} 的字节 {byte} 不属于所声明的任何字符集"},
    {"warn.charsetBadBytes", "{count} byte(s) not valid in the character set declared for them", "{count} 个字节在为其声明的字符集中无效"},
    {"warn.charsetUnusable", "character set '{charset}' cannot be converted ({reason}); text shown with unconvertible characters replaced", "字符集“{charset}”无法转换（{reason}）；无法转换的字符已被替换"},
    {"warn.charsetMissing", "non-ASCII text but no Specific Character Set; configure a default character set for this device (e.g. GB18030)", "有非 ASCII 文字但没有指定字符集（Specific Character Set）；请为该设备配置默认字符集（例如 GB18030）"},
    {"warn.notUtf8", "text is not valid UTF-8 although the character set is {charset}", "字符集为 {charset}，但文字不是有效的 UTF-8"},
    {"warn.charsetInvalid", "text not valid in character set '{charset}' ({reason}); unconvertible characters replaced", "文字在字符集“{charset}”中无效（{reason}）；无法转换的字符已被替换"},
    {"warn.geNotMeasurable", "{what} ({tag}) is not a measurable value; not used", "{what}（{tag}）不是可测量的值；未使用"},
    {"field.event Dose Area Product", "event Dose Area Product", "事件剂量面积乘积"},
    {"field.event Dose (RP)", "event Dose (RP)", "事件参考点剂量"},
    {"field.event KVP", "event KVP", "事件管电压"},
    {"field.event X-Ray Tube Current", "event X-Ray Tube Current", "事件管电流"},
    {"field.event Number of Pulses", "event Number of Pulses", "事件脉冲数"},
    {"field.event Pulse Rate", "event Pulse Rate", "事件脉冲频率"},
    {"field.event Irradiation Duration", "event Irradiation Duration", "事件照射持续时间"},
    {"field.event Exposure Time", "event Exposure Time", "事件曝光时间"},
    {"field.event Collimated Field Area", "event Collimated Field Area", "事件准直野面积"},
    {"field.event Positioner Primary Angle", "event Positioner Primary Angle", "事件机架主角度"},
    {"field.event Positioner Secondary Angle", "event Positioner Secondary Angle", "事件机架次角度"},
    {"field.event frames", "event frames", "事件帧数"},
    {"field.Dose Area Product Total", "Dose Area Product Total", "剂量面积乘积总量"},
    {"field.Dose (RP) Total", "Dose (RP) Total", "参考点剂量总量"},
    {"field.Fluoro Dose Area Product Total", "Fluoro Dose Area Product Total", "透视剂量面积乘积总量"},
    {"field.Fluoro Dose (RP) Total", "Fluoro Dose (RP) Total", "透视参考点剂量总量"},
    {"field.Acquisition Dose Area Product Total", "Acquisition Dose Area Product Total", "采集剂量面积乘积总量"},
    {"field.Acquisition Dose (RP) Total", "Acquisition Dose (RP) Total", "采集参考点剂量总量"},
    {"field.Total Fluoro Time", "Total Fluoro Time", "透视总时间"},
    {"field.Total Acquisition Time", "Total Acquisition Time", "采集总时间"},
    {"field.total frames", "total frames", "总帧数"},
    {"field.Total Number of Radiographic Frames", "Total Number of Radiographic Frames", "采集总帧数"},
    {"field.summary exposures", "summary exposures", "汇总曝光次数"},
    {"field.summary fluoroscopy time", "summary fluoroscopy time", "汇总透视时间"},
    {"field.summary Dose Area Product", "summary Dose Area Product", "汇总剂量面积乘积"},
    {"field.summary air kerma", "summary air kerma", "汇总空气比释动能"},
    {"field.Total Time of Fluoroscopy", "Total Time of Fluoroscopy", "透视总时间（图像头）"},
    {"field.Total Number of Exposures", "Total Number of Exposures", "曝光总次数（图像头）"},
    {"field.KVP", "KVP", "管电压"},
    {"field.X-Ray Tube Current", "X-Ray Tube Current", "管电流"},
    {"field.Average X-Ray Tube Current", "Average X-Ray Tube Current", "平均管电流"},
    {"field.Number of Pulses", "Number of Pulses", "脉冲数"},
    {"field.Pulse Rate", "Pulse Rate", "脉冲频率"},
    {"field.Irradiation Duration", "Irradiation Duration", "照射持续时间"},
    {"field.Exposure Time", "Exposure Time", "曝光时间"},
    {"field.Collimated Field Area", "Collimated Field Area", "准直野面积"},
    {"field.Positioner Primary Angle", "Positioner Primary Angle", "机架主角度"},
    {"field.Positioner Secondary Angle", "Positioner Secondary Angle", "机架次角度"},
    {"field.Positioner Primary End Angle", "Positioner Primary End Angle", "机架主角度终点"},
    {"field.Positioner Secondary End Angle", "Positioner Secondary End Angle", "机架次角度终点"},
    {"field.Distance Source to Isocenter", "Distance Source to Isocenter", "焦点到等中心距离"},
    {"field.Distance Source to Detector", "Distance Source to Detector", "焦点到探测器距离"},
    {"field.Distance Source to Reference Point", "Distance Source to Reference Point", "焦点到参考点距离"},
    {"field.Table Longitudinal Position", "Table Longitudinal Position", "床纵向位置"},
    {"field.Table Lateral Position", "Table Lateral Position", "床横向位置"},
    {"field.Table Height Position", "Table Height Position", "床高度"},
    {"field.Table Head Tilt Angle", "Table Head Tilt Angle", "床头倾角"},
    {"field.Table Horizontal Rotation Angle", "Table Horizontal Rotation Angle", "床水平旋转角"},
    {"field.Table Cradle Tilt Angle", "Table Cradle Tilt Angle", "床侧倾角"},
    {"field.Collimated Field Height", "Collimated Field Height", "准直野高度"},
    {"field.Collimated Field Width", "Collimated Field Width", "准直野宽度"},
    {"field.X-Ray Filter Thickness Minimum", "X-Ray Filter Thickness Minimum", "滤过片最小厚度"},
    {"field.Total number of exposures", "Total number of exposures", "曝光总次数"},
    {"field.Cumulative fluoro time", "Cumulative fluoro time", "累积透视时间"},
    {"field.Cumulative dose area product", "Cumulative dose area product", "累积剂量面积乘积"},
    {"field.Cumulative air kerma", "Cumulative air kerma", "累积空气比释动能"},
    {"field.GE Ka,r", "GE study total Ka,r", "GE 检查总 Ka,r"},
    {"field.GE DAP", "GE study total DAP", "GE 检查总 DAP"},
    {"field.GE fluoroscopy DAP", "GE study total fluoroscopy DAP", "GE 检查透视 DAP"},
    {"field.GE fluoroscopy time", "GE study total fluoroscopy time", "GE 检查透视时间"},
    {"field.GE record DAP", "GE study total record DAP", "GE 检查采集 DAP"},
    {"field.GE record time", "GE study total record time", "GE 检查采集时间"},
    {"quantity.dose area product", "dose area product", "剂量面积乘积"},
    {"quantity.dose", "dose", "剂量"},
    {"quantity.time", "time", "时间"},
    {"quantity.area", "area", "面积"},
    {"quantity.tube current", "tube current", "管电流"},
    {"quantity.tube voltage", "tube voltage", "管电压"},
    {"quantity.length", "length", "长度"},
    {"quantity.angle", "angle", "角度"},
    {"quantity.count", "count", "计数"},
    {"quantity.pulse rate", "pulse rate", "脉冲频率"},
    {"quantity.fluoroscopy time", "fluoroscopy time", "透视时间"},
    {"quantity.acquisition time", "acquisition time", "采集时间"},
    {"quantity.air kerma at the reference point", "air kerma at the reference point", "参考点空气比释动能"},
    // The audit trail's details (store::StudyStore::addTrail) and the sources of table versions
    {"trail.accountDisabled", "account disabled", "账户已停用"},
    {"trail.login", "role {role}", "角色：{role}"},
    {"trail.userAdd", "{user} as {role}", "{user}，角色：{role}"},
    {"trail.userChange1", "{user}: {a}", "{user}：{a}"},
    {"trail.userChange2", "{user}: {a} {b}", "{user}：{a}，{b}"},
    {"trail.userChange3", "{user}: {a} {b} {c}", "{user}：{a}，{b}，{c}"},
    {"trail.changeRole", "role {role}", "角色改为{role}"},
    {"trail.changePassword", "password changed", "密码已更改"},
    {"trail.changeDisabled", "disabled", "已停用"},
    {"trail.changeEnabled", "enabled", "已启用"},
    {"trail.review", "{uid} {metric} {kind}: {state}", "{uid} {metric}{kind}：{state}"},
    {"trail.reviewComment", "{uid} {metric} {kind}: {state} — {comment}", "{uid} {metric}{kind}：{state} — {comment}"},
    {"trail.reviewAll", "{uid} all {count} open flag(s): {state}", "{uid} 全部 {count} 个未审核标记：{state}"},
    {"trail.reviewAllComment", "{uid} all {count} open flag(s): {state} — {comment}", "{uid} 全部 {count} 个未审核标记：{state} — {comment}"},
    {"trail.exportCsv", "{file}: {count} studies", "{file}：{count} 项检查"},
    {"trail.exportCsvPatients", "{file}: {count} studies with patient data", "{file}：{count} 项检查（含患者信息）"},
    {"trail.exportXlsx", "{file}: {count} studies, {events} events", "{file}：{count} 项检查，{events} 个事件"},
    {"trail.exportXlsxPatients", "{file}: {count} studies, {events} events with patient data", "{file}：{count} 项检查，{events} 个事件（含患者信息）"},
    {"trail.exportXlsxTo", "{file}: {count} studies, {events} events to {to}", "{file}：{count} 项检查，{events} 个事件，写入 {to}"},
    {"trail.exportFlags", "{file}: {count} flags", "{file}：{count} 个标记"},
    {"trail.version", "version {version} ({source})", "第 {version} 版（{source}）"},
    {"trail.versionSite", "version {version} ({source}), for site {site} only", "第 {version} 版（{source}），仅用于站点 {site}"},
    {"trail.followUp", "{uid}: {outcome}", "{uid}：{outcome}"},
    {"trail.followUpNote", "{uid}: {outcome} — {note}", "{uid}：{outcome} — {note}"},
    {"trail.alertMail", "{uid} ({what}) to {recipients}", "{uid}（{what}）已发送给 {recipients}"},
    {"source.webUi", "edited in the web UI by {user}", "由 {user} 在网页界面中编辑"},
    {"source.upload", "uploaded {file} by {user}", "由 {user} 上传 {file}"},
    {"source.restored", "version {version} restored by {user}", "由 {user} 恢复第 {version} 版"},
    {"source.imported", "imported from {file}", "从 {file} 导入"},
    {"followUpOutcome.none", "no reaction", "无反应"},
    {"followUpOutcome.erythema", "erythema", "红斑"},
    {"followUpOutcome.desquamation", "desquamation", "脱屑"},
    {"followUpOutcome.ulceration", "ulceration", "溃疡"},
    {"followUpOutcome.other", "other", "其他"},
    // Regular-expression errors (rules/Pattern.cpp), by PCRE's error number
    {"pcre.1", "\\ at the end of the pattern (at character {position})", "模式末尾是 \\（第 {position} 个字符）"},
    {"pcre.3", "unrecognised character after \\ (at character {position})", "\\ 后面的字符无法识别（第 {position} 个字符）"},
    {"pcre.4", "numbers out of order in a {} quantifier (at character {position})", "{} 量词中的数字顺序颠倒（第 {position} 个字符）"},
    {"pcre.5", "number too big in a {} quantifier (at character {position})", "{} 量词中的数字过大（第 {position} 个字符）"},
    {"pcre.6", "missing ] at the end of a character class (at character {position})", "字符类缺少结尾的 ]（第 {position} 个字符）"},
    {"pcre.7", "invalid escape sequence in a character class (at character {position})", "字符类中的转义序列无效（第 {position} 个字符）"},
    {"pcre.8", "range out of order in a character class (at character {position})", "字符类中的范围顺序颠倒（第 {position} 个字符）"},
    {"pcre.9", "nothing to repeat (at character {position}): put a character or group before *, + or ?", "没有可重复的内容（第 {position} 个字符）：*、+ 或 ? 前面需要一个字符或分组"},
    {"pcre.12", "unrecognised character after (? (at character {position})", "(? 后面的字符无法识别（第 {position} 个字符）"},
    {"pcre.14", "missing ) (at character {position})", "缺少 )（第 {position} 个字符）"},
    {"pcre.15", "reference to a group that does not exist (at character {position})", "引用了不存在的分组（第 {position} 个字符）"},
    {"pcre.18", "missing ) after a comment (at character {position})", "注释后缺少 )（第 {position} 个字符）"},
    {"pcre.20", "the regular expression is too large", "正则表达式过大"},
    {"pcre.22", "unmatched parentheses (at character {position})", "括号不匹配（第 {position} 个字符）"},
    {"pcre.24", "unrecognised character after (?< (at character {position})", "(?< 后面的字符无法识别（第 {position} 个字符）"},
    {"pcre.25", "a lookbehind assertion is not of fixed length (at character {position})", "后行断言的长度不固定（第 {position} 个字符）"},
    {"pcre.26", "malformed number or name after (?( (at character {position})", "(?( 后面的数字或名称格式错误（第 {position} 个字符）"},
    {"pcre.30", "unknown POSIX class name (at character {position})", "未知的 POSIX 字符类名称（第 {position} 个字符）"},
    {"pcre.31", "POSIX collating elements are not supported (at character {position})", "不支持 POSIX 排序元素（第 {position} 个字符）"},
    {"pcre.32", "this PCRE was built without UTF-8 support", "此 PCRE 构建时未启用 UTF-8 支持"},
    {"pcre.44", "invalid UTF-8 in the pattern (at character {position})", "模式中有无效的 UTF-8（第 {position} 个字符）"},
    {"pcre.45", "\\P, \\p or \\X is not supported here (at character {position})", "此处不支持 \\P、\\p 或 \\X（第 {position} 个字符）"},
    {"pcre.46", "malformed \\P or \\p sequence (at character {position})", "\\P 或 \\p 序列格式错误（第 {position} 个字符）"},
    {"pcre.56", "inconsistent NEWLINE options (at character {position})", "NEWLINE 选项不一致（第 {position} 个字符）"},
    {"pcre.57", "\\g is not followed by a group name or number (at character {position})", "\\g 后面没有分组名称或编号（第 {position} 个字符）"},
    {"pcre.58", "a group number of 0 is not allowed (at character {position})", "不允许分组编号为 0（第 {position} 个字符）"},
    {"pcre.59", "an argument is not allowed for this verb (at character {position})", "此动词不允许带参数（第 {position} 个字符）"},
    {"pcre.62", "a subpattern name is expected (at character {position})", "此处需要子模式名称（第 {position} 个字符）"},
    {"pcre.65", "two named groups have the same name (at character {position})", "有两个分组名称相同（第 {position} 个字符）"},
    {"pcre.69", "\\k is not followed by a name in braces, angle brackets or quotes (at character {position})", "\\k 后面没有用花括号、尖括号或引号括起的名称（第 {position} 个字符）"},
    {"pcre.other", "{reason} (PCRE error {code}, at character {position})", "正则表达式错误 {code}（第 {position} 个字符）：{reason}"},
    // Exports in a person's language (present/Csv.h): column headers, sheet names and the values of enumerations
    {"col.study_date", "Study date", "检查日期"},
    {"col.study_uid", "Study Instance UID", "检查实例 UID"},
    {"col.accession_number", "Accession number", "检查号"},
    {"col.study_description", "Study description", "检查描述"},
    {"col.procedure_id", "Procedure ID", "手术编号"},
    {"col.procedure_name", "Procedure", "手术"},
    {"col.device", "Device", "设备"},
    {"col.operators", "Operators", "操作者"},
    {"col.source", "Source", "来源"},
    {"col.shots", "Shots", "曝光次数"},
    {"col.fluoro_time_s", "Fluoroscopy time (s)", "透视时间（s）"},
    {"col.exposure_time_s", "Exposure time (s)", "曝光时间（s）"},
    {"col.dap_gycm2", "DAP (Gy·cm²)", "DAP（Gy·cm²）"},
    {"col.kar_mgy", "Ka,r (mGy)", "Ka,r（mGy）"},
    {"col.psd_mgy", "Peak skin dose (mGy)", "峰值皮肤剂量（mGy）"},
    {"col.kar_a_mgy", "Ka,r plane A (mGy)", "A 平面 Ka,r（mGy）"},
    {"col.kar_b_mgy", "Ka,r plane B (mGy)", "B 平面 Ka,r（mGy）"},
    {"col.dap_a_gycm2", "DAP plane A (Gy·cm²)", "A 平面 DAP（Gy·cm²）"},
    {"col.dap_b_gycm2", "DAP plane B (Gy·cm²)", "B 平面 DAP（Gy·cm²）"},
    {"col.flags", "Flags", "标记"},
    {"col.review_states", "Review states", "审核状态"},
    {"col.missing_dose_data", "Missing dose data", "缺少剂量数据"},
    {"col.warnings", "Warnings", "警告"},
    {"col.patient_id", "Patient ID", "患者 ID"},
    {"col.patient_name", "Patient name", "患者姓名"},
    {"col.sop_instance_uid", "SOP Instance UID", "SOP 实例 UID"},
    {"col.event_uid", "Event UID", "事件 UID"},
    {"col.type", "Type", "类型"},
    {"col.plane", "Plane", "平面"},
    {"col.started_at", "Start", "开始时间"},
    {"col.protocol", "Protocol", "协议"},
    {"col.duration_s", "Duration (s)", "持续时间（s）"},
    {"col.kvp", "Tube voltage (kV)", "管电压（kV）"},
    {"col.tube_current_ma", "Tube current (mA)", "管电流（mA）"},
    {"col.pulses", "Pulses", "脉冲数"},
    {"col.pulse_rate", "Pulse rate (/s)", "脉冲频率（/s）"},
    {"col.frames", "Frames", "帧数"},
    {"col.primary_angle_deg", "Primary angle (°)", "主角度（°）"},
    {"col.secondary_angle_deg", "Secondary angle (°)", "次角度（°）"},
    {"col.kind", "Kind", "类别"},
    {"col.metric", "Metric", "指标"},
    {"col.value", "Value", "数值"},
    {"col.level", "Level", "水平"},
    {"col.table_version", "Table version", "参考水平表版本"},
    {"col.review_state", "Review state", "审核状态"},
    {"col.raised_at", "Raised at", "标记时间"},
    {"col.n", "Studies", "检查数"},
    {"col.median", "Median", "中位数"},
    {"col.p75", "75th percentile", "第 75 百分位数"},
    {"col.mean", "Mean", "平均值"},
    {"col.max", "Maximum", "最大值"},
    {"col.median_above_level", "Median above level", "中位数超过水平"},
    {"col.suggested_drl", "Suggested local DRL", "建议的本地 DRL"},
    {"col.no_suggestion_because", "Why no suggestion", "无建议的原因"},
    {"sheet.Studies", "Studies", "检查"},
    {"export.flag", "{metric} {kind}", "{metric}{kind}"},
    {"sheet.Flags", "Flags", "标记"},
    {"sheet.Events", "Events", "事件"},
    {"sheet.DRL audit", "DRL audit", "DRL 审核"},
    {"yesNo.yes", "yes", "是"},
    {"yesNo.no", "no", "否"},
    {"sourceKind.rdsr", "radiation dose structured report", "辐射剂量结构化报告"},
    {"sourceKind.vendor-summary", "vendor dose summary", "厂商剂量汇总"},
    {"sourceKind.mpps", "MPPS", "MPPS"},
    {"sourceKind.image-headers", "image headers", "图像头信息"},
    {"eventType.fluoroscopy", "fluoroscopy", "透视"},
    {"eventType.stationary-acquisition", "stationary acquisition", "静态采集"},
    {"eventType.stepping-acquisition", "stepping acquisition", "步进采集"},
    {"eventType.rotational-acquisition", "rotational acquisition", "旋转采集"},
    {"eventType.unknown", "unknown", "未知"},
    {"plane.single", "single plane", "单平面"},
    {"plane.A", "plane A", "A 平面"},
    {"plane.B", "plane B", "B 平面"},
    {"plane.all", "all planes", "全部平面"},
    {"plane.unknown", "unknown", "未知"},
    {"metric.psd_mgy", "peak skin dose", "峰值皮肤剂量"},
    {"common.unclassified", "unclassified", "未分类"},
    {"drl.tooFew", "only {n} case(s); a local DRL needs at least {min}", "仅 {n} 例；本地 DRL 至少需要 {min} 例"},
    // Dose screens read by OCR (screen/DoseScreen.cpp): why a reading needs confirmation
    {"screen.notNumber", "'{written}' is not a number", "“{written}”不是数字"},
    {"screen.unitUnknown", "the unit of '{written}' is not one fluoroaudit knows", "“{written}”的单位无法识别"},
    {"screen.ambiguousComma", "'{written}': a comma before three digits may be a thousands separator", "“{written}”：三位数字前的逗号可能是千位分隔符"},
    {"screen.notCount", "'{written}' is no whole count", "“{written}”不是整数计数"},
    {"screen.badTime", "'{written}' is no time (minutes and seconds up to 59)", "“{written}”不是有效的时间（分和秒不超过 59）"},
    {"screen.trailing", "'{written}' has more after the value than a unit", "“{written}”在数值和单位之后还有其他字符"},
    {"screen.implausible", "'{written}' is not a possible value", "“{written}”不是可能的值"},
    {"screen.lowConfidence", "read with confidence {confidence} of 100 ('{written}')", "识别置信度仅 {confidence}/100（“{written}”）"},
    {"screen.secondReading", "'{written}' read again from its crop as '{again}'", "“{written}”从其局部图像再次识别为“{again}”"},
    {"screen.disagree", "'{written}' disagrees with another reading of the same figure on the screen", "“{written}”与屏幕上同一数值的另一读数不一致"},
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
    // The sentence is its pieces joined: one walk over its marks for both (a value that itself
    // holds "{name}" is never filled in again).
    std::string s;
    for (const auto& piece : pieces(language)) s += piece.text;
    return s;
}

std::vector<Text::Piece> Text::pieces(Language language) const {
    std::vector<Piece> out;
    auto words = [&out](std::string s) {
        if (s.empty()) return;
        if (!out.empty() && !out.back().data) out.back().text += s;
        else out.push_back({std::move(s), false});
    };
    const CatalogEntry* e = entry(id);
    if (!e) {
        out.push_back({in(language), true});
        return out;
    }
    const std::string s = language == Language::Chinese ? e->chinese : e->english;
    std::size_t at = 0;
    while (at < s.size()) {
        const std::size_t open = s.find('{', at), close = open == std::string::npos ? open : s.find('}', open);
        if (close == std::string::npos) {
            words(s.substr(at));
            break;
        }
        const std::string name = s.substr(open + 1, close - open - 1);
        words(s.substr(at, open - at));
        at = close + 1;
        bool found = false;
        for (const auto& [n, value] : values)
            if (n == name) {
                found = true;
                if (!value.empty() && value[0] == kTerm) words(valueIn(value, language));
                else if (!value.empty()) out.push_back({value, true});
                break;
            }
        if (!found)
            for (const auto& [n, part] : parts)
                if (n == name) {
                    found = true;
                    for (auto& piece : part->pieces(language)) {
                        if (piece.data) out.push_back(std::move(piece));
                        else words(std::move(piece.text));
                    }
                    break;
                }
        if (!found) words(s.substr(open, close - open + 1)); // "{}" of a quantifier, not a value
    }
    return out;
}

Text Text::with(const std::string& name, const Text& part) const {
    Text t = *this;
    t.parts.emplace_back(name, std::make_shared<const Text>(part));
    return t;
}

Text userChange(const std::string& user, const std::vector<Text>& changes) {
    static const char* const ids[] = {"trail.userChange1", "trail.userChange2", "trail.userChange3"};
    static const char* const names[] = {"a", "b", "c"};
    const std::size_t n = std::min<std::size_t>(changes.size(), 3);
    Text t = text(n ? ids[n - 1] : "trail.userChange1", {{"user", user}});
    if (!n) t.values.emplace_back("a", "");
    for (std::size_t i = 0; i < n; ++i) t = t.with(names[i], changes[i]);
    return t;
}

Text tableSource(const std::string& file, const std::string& user) {
    return file.empty() ? text("source.webUi", {{"user", user}}) : text("source.upload", {{"file", file}, {"user", user}});
}

Text text(std::string id, std::vector<std::pair<std::string, std::string>> values) {
    Text t;
    t.id = std::move(id);
    t.values = std::move(values);
    return t;
}

} // namespace fa
