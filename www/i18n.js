// UI text in Chinese and English. Rule-set names (layers, tags, actions, SOPs) come from the
// rule sets themselves; this file holds only the page's own words.

const TEXT = {
  title: { zh: '规则模拟（What-if）', en: 'Rule what-if simulation' },
  subtitle: {
    zh: '编辑草稿规则，在浏览器内对客群模拟“已发布 A”与“草稿 B”，发布前看清变化。数据不离开本机。',
    en: 'Edit a draft rule set and simulate published (A) against draft (B) over a population in this browser before publishing. No data leaves this machine.',
  },
  loading: { zh: '正在加载引擎…', en: 'Loading the engine…' },
  loadFailed: { zh: '无法加载引擎或默认规则：', en: 'Cannot load the engine or the default rules: ' },
  engine: { zh: '引擎', en: 'engine' },

  // population
  population: { zh: '客群', en: 'Population' },
  sourceSynthetic: { zh: '合成客群（可复现）', en: 'Synthetic population (reproducible)' },
  sourceUpload: { zh: '上传客户文件（CSV 或 NDJSON）', en: 'Upload clients (CSV or NDJSON)' },
  size: { zh: '客户数', en: 'Clients' },
  seed: { zh: '随机种子', en: 'Seed' },
  now: { zh: '决策时间（now）', en: 'Decision time (now)' },
  nowHelp: { zh: 'RFC 3339，例如 2026-11-25T10:00:00+08:00', en: 'RFC 3339, e.g. 2026-11-25T10:00:00+08:00' },
  workers: { zh: '并行 Worker 数', en: 'Parallel workers' },
  workersAuto: { zh: '自动', en: 'auto' },
  workersHelp: {
    zh: '自动：5 万客户（或 32 MB 文件）以上按 CPU 核数拆分，每个 Worker 算一份，结果合并后与单个 Worker 完全相同。',
    en: 'Auto: from 50,000 clients (or a 32 MB file) the population is split by CPU cores, one share per worker; the merged result is exactly what one worker computes.',
  },
  chooseFile: { zh: '选择文件…', en: 'Choose a file…' },
  noFile: { zh: '未选择文件', en: 'no file chosen' },
  fileHelp: {
    zh: 'CSV 首行为字段名；NDJSON 每行一个客户 JSON。有问题的行会连同行号列出，其余照常使用。文件只在本机读取。',
    en: 'CSV: a header row of field names; NDJSON: one client JSON per line. Bad rows are listed with their line numbers and the rest are used. The file is read on this machine only.',
  },
  badRows: { zh: '被拒绝的行', en: 'Rejected rows' },
  badRowsNone: { zh: '没有被拒绝的行。', en: 'No rejected rows.' },
  badRowsFirst: { zh: '（列出前 {n} 条）', en: '(first {n} listed)' },
  line: { zh: '行号', en: 'Line' },
  clientId: { zh: '客户号', en: 'Client id' },
  problems: { zh: '问题', en: 'Problems' },

  // rules
  rules: { zh: '规则集', en: 'Rule sets' },
  published: { zh: '已发布（A）', en: 'Published (A)' },
  draft: { zh: '草稿（B）', en: 'Draft (B)' },
  loadPublished: { zh: '载入其他已发布规则…', en: 'Load another published rule set…' },
  resetDraft: { zh: '草稿恢复为已发布', en: 'Reset draft to published' },
  exportDraft: { zh: '导出草稿 JSON', en: 'Export draft JSON' },
  draftJson: { zh: '草稿规则 JSON', en: 'Draft rule JSON' },
  thresholds: { zh: '常用阈值', en: 'Common thresholds' },
  thresholdsHelp: {
    zh: '由草稿自动生成：标签与分层条件中的数字、触达频控、免打扰时段。修改后直接写回左侧 JSON。',
    en: 'Generated from the draft: numbers in tag and layer conditions, contact caps, quiet hours. A change here edits the JSON on the left.',
  },
  thresholdsNeedJson: { zh: '草稿不是合法 JSON，修正后才能使用表单。', en: 'The draft is not valid JSON; fix it to use the form.' },
  tagsGroup: { zh: '标签', en: 'Tags' },
  layersGroup: { zh: '分层', en: 'Layers' },
  contactPolicy: { zh: '触达频控', en: 'Contact policy' },
  perChannel: { zh: '渠道上限', en: 'Channel caps' },
  max: { zh: '次数上限', en: 'max' },
  windowDays: { zh: '窗口（天）', en: 'window (days)' },
  global: { zh: '全渠道', en: 'All channels' },
  quietHours: { zh: '免打扰时段', en: 'Quiet hours' },
  start: { zh: '开始', en: 'start' },
  end: { zh: '结束', en: 'end' },
  mode: { zh: '方式', en: 'mode' },
  modeDrop: { zh: '丢弃（drop）', en: 'drop' },
  modeDefer: { zh: '顺延（defer）', en: 'defer' },
  suppression: { zh: '拒绝后暂停', en: 'Suppression after rejections' },
  rejections: { zh: '拒绝次数', en: 'rejections' },
  pauseDays: { zh: '暂停（天）', en: 'pause (days)' },
  maxActionsPerDecision: { zh: '每次决策最多行动数', en: 'Max actions per decision' },
  noThresholds: { zh: '（无数字条件）', en: '(no numeric conditions)' },
  diagnostics: { zh: '校验结果', en: 'Diagnostics' },
  diagOk: { zh: '没有错误或警告。', en: 'No errors or warnings.' },
  diagCount: { zh: '错误 {e} 个，警告 {w} 个', en: 'errors: {e}, warnings: {w}' },
  validating: { zh: '校验中…', en: 'validating…' },
  goTo: { zh: '定位', en: 'go to' },
  hash: { zh: '内容哈希', en: 'content hash' },
  invalidRules: { zh: '规则无效', en: 'invalid rules' },

  // assumptions
  assumptions: { zh: '模拟假设', en: 'Simulation assumptions' },
  assumptionsHelp: {
    zh: '漏斗、收入分成、激励与产能所依据的全部数字；随报告一并显示。',
    en: 'Every number the funnel, revenue split, incentives and capacity rest on; shown with the report.',
  },
  assumptionsJson: { zh: '以 JSON 编辑', en: 'Edit as JSON' },
  resetAssumptions: { zh: '恢复默认假设', en: 'Reset to defaults' },
  assumptionsBadJson: { zh: '假设不是合法 JSON：', en: 'The assumptions are not valid JSON: ' },
  add: { zh: '添加', en: 'Add' },
  remove: { zh: '删除', en: 'Remove' },
  key: { zh: '键', en: 'key' },

  // run
  run: { zh: '运行模拟', en: 'Run simulation' },
  cancel: { zh: '取消', en: 'Cancel' },
  ready: { zh: '就绪', en: 'Ready' },
  running: { zh: '模拟中…', en: 'Simulating…' },
  progressClients: { zh: '{done} / {total} 个客户', en: '{done} / {total} clients' },
  progressBytes: { zh: '已读 {done} / {total} MB，{clients} 个客户', en: '{done} / {total} MB read, {clients} clients' },
  done: { zh: '完成：{n} 个客户，用时 {s} 秒', en: 'Done: {n} clients in {s} s' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  failed: { zh: '模拟失败：', en: 'Simulation failed: ' },
  needFile: { zh: '请先选择要上传的文件。', en: 'Choose a file to upload first.' },
  side_published: { zh: '已发布规则（A）', en: 'published rules (A)' },
  side_draft: { zh: '草稿规则（B）', en: 'draft rules (B)' },
  stale: { zh: '输入已修改，报告对应上一次运行。', en: 'Inputs changed since this report was computed.' },

  // report
  report: { zh: '模拟报告', en: 'Simulation report' },
  warnings: { zh: '提示', en: 'Warnings' },
  noReport: { zh: '运行模拟后在此显示报告。', en: 'Run the simulation to see the report here.' },
  exportReportJson: { zh: '导出报告 JSON', en: 'Export report JSON' },
  exportReportCsv: { zh: '导出报告 CSV', en: 'Export report CSV' },
  clients: { zh: '模拟客户数', en: 'Clients simulated' },
  rejected: { zh: '被拒绝的行', en: 'Rejected rows' },
  changingLayer: { zh: '主分层变化的客户', en: 'Clients changing layer' },
  changingActions: { zh: '行动变化的客户', en: 'Clients changing actions' },
  ruleSetsCompared: { zh: '比较的规则集', en: 'Rule sets compared' },
  layerDistribution: { zh: '主分层分布 A vs B', en: 'Primary layer distribution, A vs B' },
  transitions: { zh: '分层迁移矩阵 A → B', en: 'Layer transitions A → B' },
  transitionsHelp: { zh: '行：A 下的主分层；列：B 下的主分层。对角线以外为变化的客户。', en: 'Rows: primary layer under A; columns: under B. Off the diagonal: clients that change layer.' },
  fromTo: { zh: 'A ＼ B', en: 'A \\ B' },
  none: { zh: '（无）', en: '(none)' },
  actionsByChannel: { zh: '按渠道的行动数', en: 'Actions by channel' },
  actionsBySop: { zh: '按 SOP 的行动数', en: 'Actions by SOP' },
  actionsById: { zh: '各行动', en: 'Actions' },
  actionsByDay: { zh: '按日期与渠道的行动（计划日）', en: 'Actions by scheduled day and channel' },
  tags: { zh: '标签覆盖', en: 'Tag prevalence' },
  suppressions: { zh: '未选中原因', en: 'Candidates not chosen, by reason' },
  deferred: { zh: '顺延到免打扰结束', en: 'Deferred past quiet hours' },
  withoutAction: { zh: '无行动客户', en: 'Clients without action' },
  controlGroup: { zh: '对照组客户（按 SOP）', en: 'Control-group clients by SOP' },
  contactPressure: { zh: '触达压力（含本次决策的 7 天内触达次数）', en: 'Contact pressure (touches in the 7 days ending with this decision)' },
  meanPerWeek: { zh: '每客户每周平均', en: 'mean per client-week' },
  maxPerWeek: { zh: '每客户每周最多', en: 'max per client-week' },
  touches: { zh: '触达次数', en: 'touches' },
  workload: { zh: '客户经理与外呼工作量 vs 产能', en: 'Client-manager and outbound-call workload vs capacity' },
  day: { zh: '日期', en: 'Day' },
  channel: { zh: '渠道', en: 'Channel' },
  tasks: { zh: '任务数', en: 'Tasks' },
  capacity: { zh: '产能', en: 'Capacity' },
  utilisation: { zh: '利用率', en: 'Utilisation' },
  funnel: { zh: '预计漏斗转化', en: 'Projected funnel conversion' },
  funnelHelp: { zh: '条形为转化率：基线（无行动）、A、B。', en: 'Bars are conversion rates: baseline (no action), A, B.' },
  breakpoint: { zh: '断点', en: 'Breakpoint' },
  kind: { zh: '类型', en: 'Kind' },
  kind_newClient: { zh: '新客', en: 'new client' },
  kind_longTail: { zh: '长尾', en: 'long tail' },
  kind_lead: { zh: '线索', en: 'lead' },
  baselineRate: { zh: '基线转化率', en: 'baseline rate' },
  baselineConversions: { zh: '基线转化', en: 'baseline conversions' },
  projectedConversions: { zh: '预计转化', en: 'projected conversions' },
  projectedRate: { zh: '预计转化率', en: 'projected rate' },
  baseline: { zh: '基线', en: 'baseline' },
  revenue: { zh: '收入与分成（承揽 / 承做）及激励', en: 'Revenue split (承揽 origination / 承做 execution) and incentives' },
  revenueBaseline: { zh: '基线收入', en: 'baseline revenue' },
  revenueProjected: { zh: '预计收入', en: 'projected revenue' },
  revenueIncremental: { zh: '增量收入', en: 'incremental revenue' },
  origination: { zh: '承揽（发起分支）', en: '承揽 origination (originating branch)' },
  execution: { zh: '承做（互联网分公司）', en: '承做 execution (internet branch)' },
  incentives: { zh: '激励', en: 'Incentives' },
  inc_newClient: { zh: '新客收入激励', en: 'new-client revenue' },
  inc_longTail: { zh: '长尾增量激励', en: 'long-tail extra revenue' },
  inc_leadConversion: { zh: '线索转化激励', en: 'lead conversion' },
  inc_total: { zh: '激励合计', en: 'incentives total' },
  assumptionsUsed: { zh: '本报告使用的假设', en: 'Assumptions used by this report' },
  value: { zh: '值', en: 'Value' },
  item: { zh: '项目', en: 'Item' },
  numbers: { zh: '数字', en: 'Numbers' },

  // inspector
  inspector: { zh: '客户检视', en: 'Client inspector' },
  inspectorHelp: {
    zh: '选一个客户，对比其在 A 与 B 下的决策、原因与 trace。',
    en: 'Pick a client to compare its decision under A and under B, with reasons and the trace.',
  },
  syntheticIndex: { zh: '合成客户序号', en: 'Synthetic client index' },
  uploadedId: { zh: '上传文件中的客户号', en: 'Client id in the uploaded file' },
  inspect: { zh: '查看决策', en: 'Show decisions' },
  notFound: { zh: '文件中找不到客户 {id}。', en: 'Client {id} is not in the file.' },
  primaryLayer: { zh: '主分层', en: 'Primary layer' },
  matchedLayers: { zh: '命中的分层', en: 'Matching layers' },
  tagsOf: { zh: '标签', en: 'Tags' },
  chosen: { zh: '选中的行动', en: 'Chosen actions' },
  notChosen: { zh: '未选中', en: 'Not chosen' },
  explanation: { zh: '解释', en: 'Explanation' },
  trace: { zh: 'Trace（逐条规则）', en: 'Trace (rule by rule)' },
  record: { zh: '客户记录', en: 'Client record' },
  differs: { zh: 'A/B 不同', en: 'differs A/B' },
  deferredUntil: { zh: '顺延至', en: 'deferred until' },
  noActions: { zh: '无', en: 'none' },
  score: { zh: '得分', en: 'score' },
  reason: { zh: '原因', en: 'Reason' },
  result: { zh: '结果', en: 'result' },
  reads: { zh: '读取', en: 'reads' },

  ct_benefit: { zh: '权益', en: 'benefit' },
  ct_education: { zh: '投教内容', en: 'education' },
  ct_product: { zh: '产品', en: 'product' },
  ct_service: { zh: '服务', en: 'service' },

  // channels and reasons
  ch_push: { zh: '推送', en: 'push' },
  ch_sms: { zh: '短信', en: 'SMS' },
  ch_wecom: { zh: '企业微信', en: 'WeCom' },
  ch_outbound_call: { zh: '外呼', en: 'outbound call' },
  ch_advisor_assignment: { zh: '分配客户经理', en: 'advisor assignment' },
  ch_in_app: { zh: 'App 内', en: 'in-app' },
  rs_chosen: { zh: '选中', en: 'chosen' },
  rs_fallback_not_needed: { zh: '无需替代', en: 'fallback not needed' },
  rs_not_triggered: { zh: '未触发', en: 'not triggered' },
  rs_condition_false: { zh: '条件不满足', en: 'condition false' },
  rs_control_group: { zh: '对照组', en: 'control group' },
  rs_suitability: { zh: '适当性', en: 'suitability' },
  rs_consent: { zh: '未授权', en: 'no consent' },
  rs_personalisation_off: { zh: '关闭个性化', en: 'personalisation off' },
  rs_cooldown: { zh: '冷却期', en: 'cooldown' },
  rs_suppressed: { zh: '拒绝后暂停', en: 'suppressed' },
  rs_quiet_hours: { zh: '免打扰', en: 'quiet hours' },
  rs_channel_cap: { zh: '渠道上限', en: 'channel cap' },
  rs_global_cap: { zh: '全渠道上限', en: 'global cap' },
  rs_outranked: { zh: '排序靠后', en: 'outranked' },

  // assumption keys (the form labels; unknown keys show as they are)
  as_description: { zh: '说明', en: 'description' },
  as_horizonDays: { zh: '预测期（天）', en: 'horizon (days)' },
  as_currency: { zh: '币种', en: 'currency' },
  as_breakpoints: { zh: '漏斗断点', en: 'funnel breakpoints' },
  as_tag: { zh: '标签', en: 'tag' },
  as_tier: { zh: '分段', en: 'tier' },
  as_name: { zh: '名称', en: 'name' },
  as_kind: { zh: '类型', en: 'kind' },
  as_baselineRate: { zh: '基线转化率', en: 'baseline rate' },
  as_revenuePerConversion: { zh: '每次转化收入', en: 'revenue per conversion' },
  as_upliftByChannel: { zh: '各渠道提升（每个选中行动）', en: 'uplift by channel (per chosen action)' },
  as_upliftByAction: { zh: '各行动提升（覆盖渠道值）', en: 'uplift by action (overrides the channel)' },
  as_executionShare: { zh: '承做分成比例', en: 'execution (承做) share' },
  as_incentives: { zh: '激励', en: 'incentives' },
  as_newClientRevenueRate: { zh: '新客收入激励比例', en: 'new-client revenue rate' },
  as_longTailExtraRevenueRate: { zh: '长尾增量收入激励比例', en: 'long-tail extra revenue rate' },
  as_perLeadConverted: { zh: '每转化线索激励', en: 'per converted lead' },
  as_capacityPerDay: { zh: '每日产能', en: 'capacity per day' },
  as_zh: { zh: '中文', en: 'Chinese' },
  as_en: { zh: '英文', en: 'English' },
};

let lang = 'zh';
const listeners = [];

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem('clientseg.lang', lang);
  } catch {
    // storage may be unavailable (private mode); the toggle still works for this page
  }
  applyStatic(document);
  for (const f of listeners) f(lang);
}

export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem('clientseg.lang');
  } catch {
    // ignore
  }
  setLang(saved ?? (navigator.language?.startsWith('zh') ? 'zh' : 'en'));
}

export function onLangChange(f) {
  listeners.push(f);
}

/** The text of `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars) {
  const entry = TEXT[key];
  let s = entry ? entry[lang] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Whether a key exists (for optional labels such as assumption keys). */
export function has(key) {
  return key in TEXT;
}

/** A `{zh, en}` name from a rule set in the current language (falls back to the id). */
export function nameOf(names, fallback) {
  if (names && typeof names === 'object') return names[lang] ?? names.zh ?? names.en ?? fallback;
  return names ?? fallback;
}

/** Fills every `[data-i18n]` element (text) and `[data-i18n-title]` (tooltip) under `root`. */
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

const intFmt = { zh: new Intl.NumberFormat('zh-CN'), en: new Intl.NumberFormat('en-US') };
const moneyFmt = {
  zh: new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
};

export function fmtInt(n) {
  return intFmt[lang].format(n);
}

export function fmtMoney(n) {
  return moneyFmt[lang].format(n);
}

export function fmtPct(x, digits = 1) {
  return `${(100 * x).toFixed(digits)}%`;
}

export function fmtNum(x, digits = 2) {
  return Number.isInteger(x) ? fmtInt(x) : x.toFixed(digits);
}
