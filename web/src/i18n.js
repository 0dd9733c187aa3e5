// English and Simplified Chinese. Keys are grouped by page.
import i18next from 'i18next';

const en = {
  nav: { home: 'Overview', worklist: 'Studies', procedures: 'Procedures', levels: 'Reference levels', staff: 'Staff dose', devices: 'Devices',
    audit: 'Audit runs', admin: 'Users & settings' },
  login: { title: 'Log in to fluoroaudit', username: 'User name', password: 'Password', submit: 'Log in',
    logout: 'Log out', failed: 'Login failed: {{message}}' },
  common: { from: 'From', to: 'To', apply: 'Apply', all: 'all', none: 'None', save: 'Save', cancel: 'Cancel',
    loading: 'Loading…', error: 'Error: {{message}}', exportCsv: 'Export CSV', exportXlsx: 'Export XLSX (studies, events, DRL audit)', date: 'Date', study: 'Study',
    procedure: 'Procedure', device: 'Device', site: 'Site', operator: 'Operator', description: 'Description', value: 'Value',
    level: 'Level', metric: 'Metric', comment: 'Comment', state: 'Review', kind: 'Flag', user: 'User', at: 'When',
    back: 'Back to the studies', yes: 'yes', no: 'no', unclassified: 'unclassified' },
  metric: { shots: 'Shots', fluoro_time_s: 'Fluoroscopy time (s)', exposure_time_s: 'Exposure time (s)',
    dap_gycm2: 'DAP (Gy·cm²)', kar_mgy: 'Ka,r (mGy)' },
  kind: { 'above-reference': 'above reference level', investigation: 'above investigation level',
    substantial: 'substantial dose', cumulative: 'cumulative patient dose' },
  state: { unreviewed: 'unreviewed', acknowledged: 'acknowledged', justified: 'justified',
    'action-required': 'action required' },
  eventType: { fluoroscopy: 'fluoroscopy', 'stationary-acquisition': 'stationary acquisition',
    'stepping-acquisition': 'stepping acquisition', 'rotational-acquisition': 'rotational acquisition', unknown: 'unknown' },
  plane: { single: 'single plane', A: 'plane A', B: 'plane B', all: 'all planes', unknown: 'unknown' },
  source: { rdsr: 'radiation dose structured report', 'vendor-summary': 'vendor dose summary', mpps: 'MPPS',
    'image-headers': 'image headers' },
  role: { viewer: 'viewer', reviewer: 'reviewer', admin: 'admin' },
  action: { login: 'logged in', 'login-failed': 'failed login', logout: 'logged out', review: 'review',
    'levels-replace': 'reference levels replaced', 'levels-restore': 'reference levels restored', 'staff-rates-replace': 'staff dose rates replaced',
    'staff-profiles-replace': 'operator profiles replaced', export: 'export',
    'user-add': 'user added', 'user-change': 'user changed', 'alert-mail': 'alert mail' },
  trigger: { schedule: 'scheduled', command: 'command' },
  outcome: { running: 'running', ok: 'ok', partial: 'partial', failed: 'failed' },
  tableSource: { builtIn: 'built-in example table', file: 'file {{file}}', imported: 'imported from {{file}}', edited: 'edited in the web UI by {{user}}',
    uploaded: 'uploaded {{file}} by {{user}}', restored: 'version {{version}} restored by {{user}}', shipped: 'as shipped with fluoroaudit' },
  unit: { min: 'min' },
  pager: { first: 'First', prev: 'Prev', next: 'Next', last: 'Last', size: 'Page size', all: 'All',
    showing: 'Showing', of: 'of', rows: 'rows', pages: 'pages' },
  home: { title: 'Overview', period: 'Period:', preset: { 30: '30 days', 90: '90 days', 365: '12 months', all: 'all' },
    totals: '{{studies}} studies, {{open}} open flags in the period', byDevice: 'Per device', byProcedure: 'Per procedure',
    studies: 'Studies', studiesOpen: 'With open flags', openFlags: 'Open flags', devices: 'Last object from each device',
    silent: 'nothing for {{days}} days', highest: 'Highest DAP in the period' },
  warning: { charset: 'character set', 'event-type-missing': 'event type missing', 'event-type-unknown': 'unknown event type',
    'image-time-missing': 'image time missing', 'missing-totals': 'totals missing', 'sr-structure': 'report structure',
    'template-missing': 'template missing', 'template-unexpected': 'unexpected template', 'totals-mismatch': 'totals disagree',
    'unit-converted': 'unit converted', 'unit-unknown': 'unknown unit', 'value-invalid': 'invalid value',
    'overlapping-reports': 'overlapping reports', 'image-sums-differ': 'image sums differ from the totals',
    'sop-instance-reused': 'SOP instance UID reused' },
  worklist: { title: 'Studies and flags', flags: 'Flags', review: 'Review', reviewTitle: 'Review a flag of {{study}}',
    flag: 'Flag', reviewed: 'Review saved', empty: 'No flagged studies match.', count: '{{count}} studies',
    allReviewed: 'reviewed', exportFlags: 'Export flags (CSV)', allOpen: 'All {{count}} open flags of this study',
    reviewSelected: 'Review the selected studies', reviewManyTitle: 'Review every open flag of {{count}} studies',
    reviewedMany: '{{flags}} flags of {{studies}} studies reviewed', selectFirst: 'Select studies in the list first.',
    studies: 'Studies', onlyFlagged: 'flagged only', range: 'Value', rangeMin: 'at least', rangeMax: 'at most', search: 'Accession or Study UID', patientId: 'Patient ID' },
  study: { title: 'Study', summary: 'Summary against the reference levels', chart: 'Events over time, per plane',
    fluoroEvents: 'Fluoroscopy events', eventsDap: 'DAP of the events (Gy·cm²)', eventsKar: 'Ka,r of the events (mGy)',
    cumulativeDap: 'Cumulative DAP (Gy·cm²)', events: 'Events',
    warnings: 'Data-quality warnings', history: 'Review history', flags: 'Flags', type: 'Type', plane: 'Plane',
    start: 'Start', protocol: 'Protocol', duration: 'Duration (s)', source: 'Source', accession: 'Accession number',
    patient: 'Patient', noEvents: 'This study has no event list (vendor summary or totals only).' },
  procedures: { title: 'Procedures', metric: 'Metric', distribution: 'Distribution per procedure',
    trend: 'Monthly median', legendLevel: 'reference level', legendDrl: 'suggested local DRL (75th percentile)',
    median: 'Median', p75: '75th percentile', n: 'Studies', suggested: 'Suggested local DRL',
    fewCases: 'only {{n}} studies: a local DRL needs at least 20', logScale: 'log scale', byDevice: 'per device',
    noLevel: 'no level', trendN: 'Each point is the median of the month; its size grows with the number of studies (n, shown on hover).',
    survey: 'Regional survey of the sites (ICRP 135)', surveyNote: 'Each site\'s median counts with at least 10 studies; the regional DRL is the 75th percentile of the counted medians, from 3 sites.',
    regionalDrl: 'Regional DRL', sitesAbove: 'Sites above it', siteFew: '{{n}} studies: too few to count', noRegional: 'too few sites ({{n}} counted; 3 needed)' },
  levels: { title: 'Reference levels', version: 'Active version {{version}}, {{when}}',
    edit: 'CSV (download, upload, or edit as text)', upload: 'or upload a CSV file', save: 'Validate and activate',
    preview: 'If this table is activated: {{gain}} of {{studies}} studies gain flags, {{lose}} lose flags, {{reclassified}} change procedure.',
    activate: 'Activate it', cancel: 'Cancel',
    saved: 'Version {{version}} is active; every study was evaluated again.', problems: 'Not activated: {{message}}',
    unchanged: 'This is the active table (version {{version}}) already: nothing changed.',
    history: 'Earlier versions', restore: 'Restore', source: 'Source',
    grid: 'The table', gridHelp: 'One row per procedure, tried in order: the first whose match expression (a case-insensitive regular expression) finds a study\'s description, requested or performed procedure, protocol or code, and whose device (empty for all) names its station, serial or model, classifies it. An empty level means no level.',
    col: { id: 'Procedure ID', nameZh: 'Chinese name', nameEn: 'English name', match: 'Match expression', device: 'Device (optional)' },
    up: 'Move up', down: 'Move down', add: 'Add a row', delete: 'Delete', test: 'Test', download: 'Download CSV',
    gridInvalid: '{{count}} cell(s) are not valid (marked): an ID must be given once, a match expression given, and levels must be numbers of 0 or more.',
    tester: 'Pattern tester', testerHelp: 'Which of the 1,000 most recent studies a match expression catches, exactly as the table matches.',
    testResult: '{{matched}} of {{tested}} recent studies match.', unmapped: 'Descriptions to map (unclassified, or taken only by a catch-all row)',
    latest: 'Latest', useInTester: 'Test as a pattern',
    ownTable: 'This is site {{site}}\'s own table: it goes before the group\'s default here.',
    groupTable: 'This is the group\'s default table: every site without a table of its own uses it, {{site}} too.',
    siteOnly: 'Activate for {{site}} only', for: 'For', forSite: 'site {{site}}', forGroup: 'the group (default)' },
  staff: { title: 'Staff dose estimate', year: 'Year',
    note: 'An estimate, not a dosimeter reading: each study\'s exposure time × the ambient dose-equivalent rate measured where the operator stands. Annual level {{level}} mSv (ICRP 103).',
    operator: 'Operator', notNamed: '(not named)', studies: 'Studies', total: 'Total (μSv)', ofLevel: 'Of the annual level',
    withoutEstimate: 'Without estimate', months: 'Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec',
    rates: 'Measured rates', profiles: 'Operator profiles', inUse: 'Version {{version}} in use: ',
    device: 'Device', anyDevice: 'any', distance: 'Distance (m)', protection: 'Protection', intensifier: 'Image intensifier',
    either: 'either', rate: 'Rate (μSv/h)', edit: 'Edit as CSV', save: 'Validate and use',
    saved: 'Version {{version}} is in use.', unchanged: 'These are the rows in use (version {{version}}) already: nothing changed.',
    problems: 'Not saved: {{message}}', everyone: '(everyone else)',
    studyTitle: 'Staff dose estimate', exposure: 'Exposure time (s)', estimate: 'Estimate (μSv)', position: 'Position',
    defaultProfile: 'profile for everyone', higherRate: 'intensifier either: the higher of its rates, a conservative figure',
    patientTitle: 'Patient\'s estimate (table surface)',
    patientNote: 'The study\'s exposure time × the dose-equivalent rate measured at the table surface with the image intensifier {{position}}, {{distance}} cm from it: {{rate}} μSv/h. The staff\'s estimates are about a thousandth of this. Source:',
    perProcedure: 'Per procedure (one estimate per operator and study)', estimates: 'Estimates', mean: 'Mean (μSv)',
    median: 'Median (μSv)', max: 'Highest (μSv)',
    studyNote: 'An estimate: the study\'s exposure time × the rate measured at each operator\'s position (see the Staff dose page).',
    missing: { profile: 'no profile for this operator', rate: 'no rate measured at this position', 'exposure-time': 'no exposure time' } },
  protection: { none: 'no protection', apron: 'lead apron', 'screen-centre': 'lead screen, centre', 'screen-edge': 'lead screen, edge',
    'outside-screen': 'outside the lead screen' },
  intensifier: { above: 'above the table', below: 'below the table' },
  devices: { title: 'Devices', lastObject: 'Last object received', studies: 'Studies', objects: 'Objects',
    missing: 'Studies without dose data', manufacturer: 'Manufacturer', model: 'Model' },
  audit: { title: 'Nightly audit runs', run: 'Run', report: 'Report', openReport: 'Open the report', trigger: 'Trigger', period: 'Period', outcome: 'Outcome',
    retrieved: 'Retrieved', missing: 'Missing dose', newFlags: 'New flags', errors: 'Errors', studies: 'Studies' },
  admin: { users: 'Users', add: 'Add a user', role: 'Role', disabled: 'Disabled', created: 'Created',
    disable: 'Disable', enable: 'Enable', trail: 'Audit trail', action: 'Action', detail: 'Detail', remote: 'From',
    settings: 'Settings', added: 'User {{name}} added' },
};

const zh = {
  nav: { home: '概览', worklist: '检查', procedures: '手术类型', levels: '参考水平', staff: '人员剂量', devices: '设备', audit: '夜间审计', admin: '用户与设置' },
  login: { title: '登录 fluoroaudit', username: '用户名', password: '密码', submit: '登录', logout: '退出登录',
    failed: '登录失败：{{message}}' },
  common: { from: '起始日期', to: '截止日期', apply: '应用', all: '全部', none: '无', save: '保存', cancel: '取消',
    loading: '加载中…', error: '错误：{{message}}', exportCsv: '导出 CSV', exportXlsx: '导出 XLSX（检查、曝光事件、DRL 审核）', date: '日期', study: '检查', procedure: '手术类型',
    device: '设备', site: '院区', operator: '操作者', description: '描述', value: '数值', level: '水平', metric: '指标', comment: '备注',
    state: '审核', kind: '标记', user: '用户', at: '时间', back: '返回检查列表', yes: '是', no: '否', unclassified: '未分类' },
  metric: { shots: '曝光次数', fluoro_time_s: '透视时间（秒）', exposure_time_s: '曝光时间（秒）', dap_gycm2: 'DAP（Gy·cm²）',
    kar_mgy: 'Ka,r（mGy）' },
  kind: { 'above-reference': '超过参考水平', investigation: '超过调查水平', substantial: '大剂量', cumulative: '患者累积剂量' },
  state: { unreviewed: '未审核', acknowledged: '已知悉', justified: '合理', 'action-required': '需采取措施' },
  eventType: { fluoroscopy: '透视', 'stationary-acquisition': '静态采集', 'stepping-acquisition': '步进采集',
    'rotational-acquisition': '旋转采集', unknown: '未知' },
  plane: { single: '单平面', A: 'A 平面', B: 'B 平面', all: '全部平面', unknown: '未知' },
  source: { rdsr: '辐射剂量结构化报告', 'vendor-summary': '厂商剂量汇总', mpps: 'MPPS', 'image-headers': '图像头信息' },
  role: { viewer: '查看者', reviewer: '审核员', admin: '管理员' },
  action: { login: '登录', 'login-failed': '登录失败', logout: '退出登录', review: '审核', 'levels-replace': '替换参考水平',
    'levels-restore': '恢复参考水平', 'staff-rates-replace': '更换人员剂量率表', 'staff-profiles-replace': '更换操作者站位表', export: '导出', 'user-add': '添加用户', 'user-change': '修改用户', 'alert-mail': '警报邮件' },
  trigger: { schedule: '定时', command: '命令' },
  outcome: { running: '进行中', ok: '成功', partial: '部分完成', failed: '失败' },
  tableSource: { builtIn: '内置示例表', file: '文件 {{file}}', imported: '从 {{file}} 导入', edited: '由 {{user}} 在网页中编辑',
    uploaded: '由 {{user}} 上传 {{file}}', restored: '由 {{user}} 恢复第 {{version}} 版', shipped: '随软件提供' },
  unit: { min: '分钟' },
  pager: { first: '首页', prev: '上一页', next: '下一页', last: '末页', size: '每页行数', all: '全部',
    showing: '显示', of: '/', rows: '行', pages: '页' },
  home: { title: '概览', period: '期间：', preset: { 30: '30 天', 90: '90 天', 365: '12 个月', all: '全部' },
    totals: '本期间共 {{studies}} 项检查，{{open}} 个未审核标记', byDevice: '按设备', byProcedure: '按手术类型',
    studies: '检查数', studiesOpen: '有未审核标记', openFlags: '未审核标记', devices: '各设备最近接收',
    silent: '已 {{days}} 天未收到', highest: '本期间 DAP 最高的检查' },
  warning: { charset: '字符集', 'event-type-missing': '缺少事件类型', 'event-type-unknown': '未知事件类型',
    'image-time-missing': '缺少图像时间', 'missing-totals': '缺少总计', 'sr-structure': '报告结构', 'template-missing': '缺少模板',
    'template-unexpected': '意外的模板', 'totals-mismatch': '总计不一致', 'unit-converted': '单位已换算', 'unit-unknown': '未知单位',
    'value-invalid': '无效数值', 'overlapping-reports': '报告重叠', 'image-sums-differ': '图像合计与总计不符',
    'sop-instance-reused': 'SOP 实例 UID 重复使用' },
  worklist: { title: '检查与标记', flags: '标记', review: '审核', reviewTitle: '审核 {{study}} 的标记', flag: '标记',
    reviewed: '审核已保存', empty: '没有符合条件的已标记检查。', count: '{{count}} 项检查', allReviewed: '已审核',
    exportFlags: '导出标记（CSV）', allOpen: '本检查全部 {{count}} 个未审核标记',
    reviewSelected: '审核所选检查', reviewManyTitle: '审核 {{count}} 项检查的全部未审核标记',
    reviewedMany: '已审核 {{studies}} 项检查的 {{flags}} 个标记', selectFirst: '请先在列表中选择检查。',
    studies: '检查范围', onlyFlagged: '仅已标记', range: '数值', rangeMin: '不低于', rangeMax: '不高于', search: '检查号或检查 UID', patientId: '患者 ID' },
  study: { title: '检查', summary: '与参考水平对比', chart: '照射事件时间线（按平面）',
    fluoroEvents: '透视事件', eventsDap: '事件 DAP 合计（Gy·cm²）', eventsKar: '事件 Ka,r 合计（mGy）', cumulativeDap: '累积 DAP（Gy·cm²）',
    events: '照射事件', warnings: '数据质量警告', history: '审核记录', flags: '标记',
    type: '类型', plane: '平面', start: '开始', protocol: '协议', duration: '时长（秒）', source: '来源', accession: '检查号',
    patient: '患者', noEvents: '该检查没有事件列表（仅有厂商汇总或总计）。' },
  procedures: { title: '手术类型', metric: '指标', distribution: '各手术类型的分布', trend: '月度中位数', legendLevel: '参考水平',
    legendDrl: '建议的本地 DRL（第 75 百分位数）', median: '中位数', p75: '第 75 百分位数', n: '检查数', suggested: '建议的本地 DRL',
    fewCases: '仅 {{n}} 例：本地 DRL 至少需要 20 例', logScale: '对数坐标', byDevice: '按设备',
    noLevel: '未设水平', trendN: '每个点是该月的中位数；点越大，检查数越多（n，鼠标悬停可见）。',
    survey: '各院区区域调查（ICRP 135）', surveyNote: '院区至少 10 例时其中位数计入；区域 DRL 为计入的各院区中位数的第 75 百分位数，至少需 3 个院区。',
    regionalDrl: '区域 DRL', sitesAbove: '高于区域 DRL 的院区', siteFew: '{{n}} 例：例数不足，不计入', noRegional: '院区不足（计入 {{n}} 个，需 3 个）' },
  levels: { title: '参考水平', version: '当前版本 {{version}}，{{when}}', edit: 'CSV（下载、上传或按文本编辑）', upload: '或上传 CSV 文件',
    save: '校验并启用', saved: '版本 {{version}} 已启用，所有检查已重新评估。',
    preview: '若启用此表：{{studies}} 项检查中，{{gain}} 项新增标记，{{lose}} 项移除标记，{{reclassified}} 项手术分类改变。',
    activate: '确认启用', cancel: '取消', unchanged: '该表已是当前启用的版本（版本 {{version}}），未作任何更改。', problems: '未启用：{{message}}', history: '历史版本',
    restore: '恢复', source: '来源',
    grid: '参考水平表', gridHelp: '每行一种手术类型，按顺序匹配：第一个匹配表达式（不区分大小写的正则表达式）能在检查描述、申请或执行的手术、协议或代码中找到、且设备（留空表示全部）与其工作站名、序列号或型号相符的行，即为该检查的分类。水平留空表示未设水平。',
    col: { id: '手术类型编号', nameZh: '中文名称', nameEn: '英文名称', match: '匹配表达式', device: '设备（可选）' },
    up: '上移', down: '下移', add: '添加一行', delete: '删除', test: '测试', download: '下载 CSV',
    gridInvalid: '{{count}} 个单元格无效（已标出）：编号须填写且不重复，匹配表达式须填写，水平须为不小于 0 的数字。',
    tester: '匹配表达式测试', testerHelp: '在最近 1000 项检查中，该匹配表达式能匹配哪些检查（与参考水平表的匹配方式完全相同）。',
    testResult: '最近 {{tested}} 项检查中有 {{matched}} 项匹配。', unmapped: '待归类的描述（未分类，或仅被兜底行匹配）',
    latest: '最近日期', useInTester: '作为表达式测试',
    ownTable: '这是站点 {{site}} 自己的参考水平表：在本站点优先于集团默认表。',
    groupTable: '这是集团默认表：没有自己参考水平表的站点（包括 {{site}}）都使用它。',
    siteOnly: '仅对 {{site}} 启用', for: '适用于', forSite: '站点 {{site}}', forGroup: '集团（默认）' },
  staff: { title: '工作人员剂量估算', year: '年份',
    note: '估算值，并非个人剂量计读数：每次检查的曝光时间 × 在操作者所处位置测得的周围剂量当量率。年度水平 {{level}} mSv（ICRP 103）。',
    operator: '操作者', notNamed: '（未署名）', studies: '检查数', total: '合计（μSv）', ofLevel: '占年度水平',
    withoutEstimate: '无估算', months: '1月,2月,3月,4月,5月,6月,7月,8月,9月,10月,11月,12月',
    rates: '实测剂量率', profiles: '操作者站位', inUse: '当前使用第 {{version}} 版：',
    device: '设备', anyDevice: '任意', distance: '距离（m）', protection: '防护', intensifier: '影像增强器',
    either: '均可', rate: '剂量率（μSv/h）', edit: '按 CSV 编辑', save: '校验并使用',
    saved: '第 {{version}} 版已启用。', unchanged: '与当前使用的内容（第 {{version}} 版）相同：未作改动。',
    problems: '未保存：{{message}}', everyone: '（其他所有人）',
    studyTitle: '工作人员剂量估算', exposure: '曝光时间（s）', estimate: '估算（μSv）', position: '站位',
    defaultProfile: '通用站位', higherRate: '影像增强器床上或床下：取较高的剂量率，为保守的估算',
    patientTitle: '患者剂量估算（床面）',
    patientNote: '本次检查的曝光时间 × 影像增强器位于{{position}}、距床面 {{distance}} cm 时在床面测得的剂量当量率：{{rate}} μSv/h。工作人员的估算约为其千分之一。来源：',
    perProcedure: '按手术类型（每位操作者每次检查一个估算值）', estimates: '估算数', mean: '平均（μSv）',
    median: '中位数（μSv）', max: '最高（μSv）',
    studyNote: '估算值：本次检查的曝光时间 × 在各操作者站位测得的剂量率（见“人员剂量”页）。',
    missing: { profile: '该操作者没有站位', rate: '该位置没有实测剂量率', 'exposure-time': '没有曝光时间' } },
  protection: { none: '无防护', apron: '铅衣', 'screen-centre': '铅屏中央', 'screen-edge': '铅屏边缘', 'outside-screen': '铅屏外' },
  intensifier: { above: '床上', below: '床下' },
  devices: { title: '设备', lastObject: '最近接收', studies: '检查数', objects: '对象数', missing: '缺少剂量数据的检查',
    manufacturer: '厂商', model: '型号' },
  audit: { title: '夜间审计记录', run: '编号', report: '报告', openReport: '打开报告', trigger: '触发方式', period: '期间', outcome: '结果', retrieved: '已取回',
    missing: '缺少剂量', newFlags: '新标记', errors: '错误', studies: '检查数' },
  admin: { users: '用户', add: '添加用户', role: '角色', disabled: '已停用', created: '创建时间', disable: '停用', enable: '启用',
    trail: '审计轨迹', action: '操作', detail: '详情', remote: '来源地址', settings: '设置', added: '已添加用户 {{name}}' },
};

export async function initI18n() {
  const stored = localStorage.getItem('fa-language');
  const lng = stored || ((navigator.language || 'en').startsWith('zh') ? 'zh' : 'en');
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  await i18next.init({ lng, fallbackLng: 'en',
    resources: { en: { translation: en }, zh: { translation: zh } }, interpolation: { escapeValue: false } });
}

export const t = (key, options) => i18next.t(key, options);
export const language = () => i18next.language;
export async function setLanguage(lng) {
  localStorage.setItem('fa-language', lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
}

// A procedure name may hold both languages, Chinese first ("脊神经根脉冲射频术 Spinal nerve root
// pulsed RF", as the reference table writes them): the part of the reader's language; a name in
// one language is shown as it is.
export function localName(name) {
  const [zh, en] = nameParts(name);
  if (!zh || !en) return name || '';
  return i18next.language === 'zh' ? zh : en;
}

// [Chinese, English] parts of a name; a name in one language gives one part and ''.
export function nameParts(name) {
  const m = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(name || '');
  if (m) return [m[1].trim(), m[2].trim()];
  return /[\u3400-\u9fff]/.test(name || '') ? [name, ''] : ['', name || ''];
}

// Where a reference table came from, as the server records it, in the reader's language: a list of
// pieces, each {text} or {data} (a user or file name, shown as it is).
export function tableSource(source) {
  const forms = [[/^built-in example table$/, () => ({ key: 'builtIn' })],
    [/^shipped with fluoroaudit$/, () => ({ key: 'shipped' })],
    [/^file (.+)$/, (m) => ({ key: 'file', file: m[1] })],
    [/^imported from (.+)$/, (m) => ({ key: 'imported', file: m[1] })],
    [/^edited in the web UI by (.+)$/, (m) => ({ key: 'edited', user: m[1] })],
    [/^uploaded (.+) by (.+)$/, (m) => ({ key: 'uploaded', file: m[1], user: m[2] })],
    [/^version (\d+) restored by (.+)$/, (m) => ({ key: 'restored', version: m[1], user: m[2] })]];
  for (const [re, f] of forms) {
    const m = re.exec(source || '');
    if (!m) continue;
    const v = f(m);
    const marked = {};
    for (const k of ['file', 'user', 'version']) if (v[k] !== undefined) marked[k] = `\u0001${k}\u0001`;
    return i18next.t(`tableSource.${v.key}`, marked).split('\u0001')
      .map((piece, i) => (i % 2 ? { data: v[piece] } : { text: piece })).filter((p) => p.text !== '');
  }
  return [{ data: source || '' }];
}

// A recorded value (event type, role, outcome...) in the reader's language; an unknown one as it is.
export const term = (group, value) => (value === null || value === undefined || value === ''
  ? '' : i18next.t(`${group}.${value}`, { defaultValue: String(value) }));
