// Renders a simulation report (computed by the package's Simulation) as charts and tables, and
// writes its main tables as CSV. Every number shown is a value of the report: each table cell
// carries its JSON pointer in `data-k` and the exact value in `data-v`.

import { t, nameOf, fmtInt, fmtMoney, fmtPct, fmtNum } from './i18n.js';
import { esc, groupedBars, heatmap, columns, stacked, legend } from './charts.js';

export const CHANNELS = ['push', 'sms', 'wecom', 'outbound_call', 'advisor_assignment', 'in_app'];
const REASONS = [
  'chosen', 'fallback_not_needed', 'not_triggered', 'condition_false', 'control_group', 'suitability', 'consent',
  'personalisation_off', 'cooldown', 'suppressed', 'quiet_hours', 'channel_cap', 'global_cap', 'outranked',
];
const SIDES = ['published', 'draft'];
const AB = () => [
  { label: t('published'), cls: 'sA' },
  { label: t('draft'), cls: 'sB' },
];

const ptrEsc = (k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1');

/** A table cell holding one report value. */
function cell(ptr, v, fmt = fmtInt) {
  if (v === undefined || v === null) return `<td class="num empty" data-k="${esc(ptr)}" data-v="0">${esc(fmt(0))}</td>`;
  return `<td class="num" data-k="${esc(ptr)}" data-v="${esc(String(v))}">${esc(fmt(v))}</td>`;
}

/** Keys of both sides' maps, in a preferred order first. */
function keysOf(report, field, preferred = []) {
  const seen = new Set();
  const out = [];
  for (const k of [...preferred, ...SIDES.flatMap((s) => Object.keys(report[s][field] ?? {}))]) {
    if (!seen.has(k) && SIDES.some((s) => k in (report[s][field] ?? {}))) {
      seen.add(k);
      out.push(k);
    }
  }
  return out;
}

/** A two-column (A, B) table of one map of each side. */
function abTable(report, field, keys, label, fmt = fmtInt) {
  const rows = keys
    .map(
      (k) =>
        `<tr><th scope="row" title="${esc(k)}">${esc(label(k))}</th>${SIDES.map((s) => cell(`/${s}/${field}/${ptrEsc(k)}`, report[s][field]?.[k], fmt)).join('')}</tr>`,
    )
    .join('');
  return `<table class="data"><thead><tr><th></th><th>${esc(t('published'))}</th><th>${esc(t('draft'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function section(id, title, body, help) {
  return `<section class="card rsec" id="${id}"><h3>${esc(title)}</h3>${help ? `<p class="help">${esc(help)}</p>` : ''}${body}</section>`;
}

/** A chart with its numbers beside it (below it on narrow screens). */
function viz(chart, nums) {
  return `<div class="viz"><div class="viz-chart">${chart}</div><div class="viz-nums">${nums}</div></div>`;
}

function numbers(table, open = false) {
  return `<details class="nums"${open ? ' open' : ''}><summary>${esc(t('numbers'))}</summary>${table}</details>`;
}

/**
 * The names of everything a report mentions, from the two rule documents (the draft's win):
 * layer, tag, "tag=tier", action and SOP ids → {zh, en}.
 */
export function namesFrom(...docs) {
  const names = { layer: {}, tag: {}, action: {}, sop: {}, actionChannel: {} };
  for (const doc of docs) {
    if (!doc) continue;
    for (const l of doc.layers ?? []) names.layer[l.id] = l.name;
    for (const tag of doc.tags ?? []) {
      names.tag[tag.id] = tag.name;
      for (const tier of tag.tiers ?? []) {
        names.tag[`${tag.id}=${tier.id}`] = { zh: `${nameOf(tag.name)}：${tier.name?.zh ?? tier.id}`, en: `${tag.name?.en ?? tag.id}: ${tier.name?.en ?? tier.id}` };
      }
    }
    for (const a of doc.actions ?? []) names.action[a.id] = a.name;
    for (const s of doc.sops ?? []) names.sop[s.id] = s.name;
  }
  return names;
}

function orderOf(doc, list) {
  return (doc?.[list] ?? []).map((x) => x.id);
}

/** Renders the whole report into `root`. `docs` = {published, draft} rule documents. */
export function renderReport(root, report, docs) {
  const names = namesFrom(docs.published, docs.draft);
  const layerName = (id) => (id === '(none)' ? t('none') : nameOf(names.layer[id], id));
  const tagName = (id) => nameOf(names.tag[id], id);
  const actionName = (id) => nameOf(names.action[id], id);
  const sopName = (id) => nameOf(names.sop[id], id);
  const chName = (c) => t(`ch_${c}`);
  const reasonName = (r) => t(`rs_${r}`);
  const reasonRow = (r) => `${t(`rs_${r}`)} · ${r}`;
  const cur = report.assumptions?.currency ?? 'CNY';
  const money = (v) => `${fmtMoney(v)} ${cur}`;
  const html = [];

  // Summary.
  const side = (s) => {
    const r = report[s].ruleSet;
    return `<tr><th scope="row">${esc(t(s))}</th><td>${esc(r.id)}</td><td>${esc(r.version)}</td><td class="hash">${esc(r.contentHash)}</td></tr>`;
  };
  html.push(
    `<section class="card rsec" id="r-summary"><div class="kpis">
      <div class="kpi"><span>${esc(t('clients'))}</span><table><tr>${cell('/clients', report.clients)}</tr></table></div>
      <div class="kpi"><span>${esc(t('rejected'))}</span><table><tr>${cell('/rejected', report.rejected)}</tr></table></div>
      <div class="kpi"><span>${esc(t('changingLayer'))}</span><table><tr>${cell('/clientsChangingLayer', report.clientsChangingLayer)}</tr></table></div>
      <div class="kpi"><span>${esc(t('changingActions'))}</span><table><tr>${cell('/clientsChangingActions', report.clientsChangingActions)}</tr></table></div>
    </div>
    <table class="data ruleset"><caption>${esc(t('ruleSetsCompared'))} · now = ${esc(report.now)}</caption>
      <thead><tr><th></th><th>id</th><th>version</th><th>${esc(t('hash'))}</th></tr></thead><tbody>${side('published')}${side('draft')}</tbody></table></section>`,
  );

  // Rejected rows.
  if (report.rejected > 0 || report.errors?.length) {
    const rows = (report.errors ?? [])
      .map(
        (e, i) =>
          `<tr class="badrow"><td class="num" data-k="/errors/${i}/line" data-v="${e.line}">${esc(String(e.line))}</td><td>${esc(e.clientId ?? '')}</td><td>${(e.errors ?? [])
            .map((d) => `<div><code>${esc(d.code)}</code> <code>${esc(d.path || '/')}</code> ${esc(d.message)}</div>`)
            .join('')}</td></tr>`,
      )
      .join('');
    const note = report.errors && report.rejected > report.errors.length ? ` ${t('badRowsFirst', { n: report.errors.length })}` : '';
    html.push(
      section(
        'r-rejected',
        `${t('badRows')}${note}`,
        `<table class="data bad-rows"><thead><tr><th>${esc(t('line'))}</th><th>${esc(t('clientId'))}</th><th>${esc(t('problems'))}</th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
    );
  }

  // Warnings about the inputs (e.g. an assumption naming an action the draft does not have).
  if (report.warnings?.length) {
    html.push(
      section(
        'r-warnings',
        t('warnings'),
        `<ul class="diag-list">${report.warnings.map((d) => `<li class="warning">${esc(`${d.severity ?? 'warning'}[${d.code}] ${d.path || '/'}: ${d.message}${d.suggestion ? ` — ${d.suggestion}` : ''}`)}</li>`).join('')}</ul>`,
      ),
    );
  }

  // Layers.
  const tr = report.transitions;
  const layerKeys = keysOf(report, 'primaryLayers', [...tr.from, ...tr.to]);
  html.push(
    section(
      'r-layers',
      t('layerDistribution'),
      legend(AB()) +
        viz(
          groupedBars(
            layerKeys.map((k) => ({ label: layerName(k), values: SIDES.map((s) => report[s].primaryLayers[k] ?? 0) })),
            AB(),
            fmtInt,
            { title: t('layerDistribution') },
          ),
          numbers(abTable(report, 'primaryLayers', layerKeys, layerName), true),
        ),
    ),
  );

  // Transitions.
  const matrix = `<table class="data matrix"><thead><tr><th>${esc(t('fromTo'))}</th>${tr.to.map((c) => `<th title="${esc(c)}">${esc(layerName(c))}</th>`).join('')}</tr></thead><tbody>${tr.from
    .map((r, i) => `<tr><th scope="row" title="${esc(r)}">${esc(layerName(r))}</th>${tr.to.map((_, j) => cell(`/transitions/counts/${i}/${j}`, tr.counts[i]?.[j] ?? 0)).join('')}</tr>`)
    .join('')}</tbody></table>`;
  html.push(
    section(
      'r-transitions',
      t('transitions'),
      heatmap(
        tr.from.map((id) => ({ id, label: layerName(id) })),
        tr.to.map((id) => ({ id, label: layerName(id) })),
        tr.counts,
        fmtInt,
        { title: t('transitions') },
      ) + numbers(matrix),
      t('transitionsHelp'),
    ),
  );

  // Actions by channel and SOP; each action.
  const chKeys = keysOf(report, 'actionsByChannel', CHANNELS);
  const sopKeys = keysOf(report, 'actionsBySop', [...orderOf(docs.published, 'sops'), ...orderOf(docs.draft, 'sops')]);
  const bars = (field, keys, label, labelWidth = 170) =>
    groupedBars(
      keys.map((k) => ({ label: label(k), values: SIDES.map((s) => report[s][field]?.[k] ?? 0) })),
      AB(),
      fmtInt,
      { labelWidth },
    );
  html.push(
    `<div class="pair">${section('r-channels', t('actionsByChannel'), legend(AB()) + bars('actionsByChannel', chKeys, chName) + numbers(abTable(report, 'actionsByChannel', chKeys, chName)))}${section(
      'r-sops',
      t('actionsBySop'),
      legend(AB()) + bars('actionsBySop', sopKeys, sopName) + numbers(abTable(report, 'actionsBySop', sopKeys, sopName)),
    )}</div>`,
  );
  const actKeys = keysOf(report, 'actions', [...orderOf(docs.published, 'actions'), ...orderOf(docs.draft, 'actions')]);
  html.push(section('r-actions', t('actionsById'), legend(AB()) + viz(bars('actions', actKeys, actionName, 300), numbers(abTable(report, 'actions', actKeys, (k) => `${actionName(k)} · ${k}`), true))));

  // Suppressions, no action, deferred, control groups.
  const rsKeys = keysOf(report, 'suppressions', REASONS);
  const scalars = `<table class="data"><thead><tr><th></th><th>${esc(t('published'))}</th><th>${esc(t('draft'))}</th></tr></thead><tbody>
    <tr><th scope="row">${esc(t('withoutAction'))}</th>${SIDES.map((s) => cell(`/${s}/clientsWithoutAction`, report[s].clientsWithoutAction)).join('')}</tr>
    <tr><th scope="row">${esc(t('deferred'))}</th>${SIDES.map((s) => cell(`/${s}/deferred`, report[s].deferred)).join('')}</tr></tbody></table>`;
  const cgKeys = keysOf(report, 'controlGroup', sopKeys);
  html.push(
    `<div class="pair">${section(
      'r-suppressions',
      t('suppressions'),
      legend(AB()) + bars('suppressions', rsKeys, reasonName) + numbers(abTable(report, 'suppressions', rsKeys, reasonRow)),
    )}${section('r-noaction', `${t('withoutAction')} · ${t('deferred')} · ${t('controlGroup')}`, scalars + `<h4>${esc(t('controlGroup'))}</h4>` + abTable(report, 'controlGroup', cgKeys, sopName))}</div>`,
  );

  // Actions by day.
  const days = [...new Set(SIDES.flatMap((s) => Object.keys(report[s].actionsByDay ?? {})))].sort();
  const dayCh = CHANNELS.filter((c) => days.some((d) => SIDES.some((s) => report[s].actionsByDay?.[d]?.[c] != null)));
  const dayTable = `<table class="data"><thead><tr><th>${esc(t('day'))}</th><th>${esc(t('channel'))}</th><th>${esc(t('published'))}</th><th>${esc(t('draft'))}</th></tr></thead><tbody>${days
    .flatMap((d) =>
      dayCh
        .filter((c) => SIDES.some((s) => report[s].actionsByDay?.[d]?.[c] != null))
        .map((c) => `<tr><th scope="row">${esc(d)}</th><td>${esc(chName(c))}</td>${SIDES.map((s) => cell(`/${s}/actionsByDay/${d}/${c}`, report[s].actionsByDay?.[d]?.[c])).join('')}</tr>`),
    )
    .join('')}</tbody></table>`;

  // Contact pressure.
  const hist = SIDES.map((s) => report[s].contactPressure?.histogram ?? []);
  const nb = Math.max(...hist.map((h) => h.length));
  const cats = Array.from({ length: nb }, (_, i) => (i === nb - 1 ? `${i}+` : String(i)));
  const cpTable = `<table class="data"><thead><tr><th></th><th>${esc(t('published'))}</th><th>${esc(t('draft'))}</th></tr></thead><tbody>
    <tr><th scope="row">${esc(t('meanPerWeek'))}</th>${SIDES.map((s) => cell(`/${s}/contactPressure/meanPerClientWeek`, report[s].contactPressure?.meanPerClientWeek, (v) => fmtNum(v, 3))).join('')}</tr>
    <tr><th scope="row">${esc(t('maxPerWeek'))}</th>${SIDES.map((s) => cell(`/${s}/contactPressure/maxPerClientWeek`, report[s].contactPressure?.maxPerClientWeek)).join('')}</tr>
    ${cats.map((c, i) => `<tr><th scope="row">${esc(c)} ${esc(t('touches'))}</th>${SIDES.map((s) => cell(`/${s}/contactPressure/histogram/${i}`, hist[SIDES.indexOf(s)][i] ?? 0)).join('')}</tr>`).join('')}
    </tbody></table>`;
  html.push(
    `<div class="pair">${section('r-pressure', t('contactPressure'), legend(AB()) + columns(cats, AB(), SIDES.map((_, k) => cats.map((__, i) => hist[k][i] ?? 0)), fmtInt) + numbers(cpTable, true))}${section(
      'r-days',
      t('actionsByDay'),
      dayTable,
    )}</div>`,
  );

  // Workload vs capacity.
  const wl = new Map();
  SIDES.forEach((s, k) => {
    for (const w of report[s].workload ?? []) {
      const key = `${w.day} · ${chName(w.channel)}`;
      if (!wl.has(key)) wl.set(key, { key, sides: [null, null] });
      wl.get(key).sides[k] = w;
    }
  });
  const wrows = [...wl.values()];
  // Bars are utilisation (tasks / capacity, as the package computes it); the dashed line is 100 %.
  const markers = wrows.map((_, i) => ({ row: i, value: 1, cls: 'cap', title: `${t('capacity')} 100%` }));
  const wlabel = (row, k, v) => {
    const w = row.sides[k];
    return w ? `${fmtPct(v)} · ${fmtInt(w.tasks)} / ${fmtInt(w.capacity)}` : '';
  };
  const wlTable = `<table class="data"><thead><tr><th>${esc(t('day'))}</th><th>${esc(t('channel'))}</th><th></th><th>${esc(t('tasks'))}</th><th>${esc(t('capacity'))}</th><th>${esc(t('utilisation'))}</th></tr></thead><tbody>${SIDES.flatMap((s) =>
    (report[s].workload ?? []).map(
      (w, i) =>
        `<tr${w.utilisation > 1 ? ' class="over"' : ''}><th scope="row">${esc(w.day)}</th><td>${esc(chName(w.channel))}</td><td>${esc(t(s))}</td>${cell(`/${s}/workload/${i}/tasks`, w.tasks)}${cell(`/${s}/workload/${i}/capacity`, w.capacity)}${cell(`/${s}/workload/${i}/utilisation`, w.utilisation, (v) => fmtPct(v))}</tr>`,
    ),
  ).join('')}</tbody></table>`;
  html.push(
    section(
      'r-workload',
      t('workload'),
      legend([...AB(), { label: `${t('capacity')} = 100%`, cls: 'capsw' }]) +
        viz(
          groupedBars(
            wrows.map((r) => ({ label: r.key, sides: r.sides, values: r.sides.map((w) => w?.utilisation ?? 0) })),
            AB(),
            (v) => fmtPct(v),
            { markers, labelWidth: 230, valueLabel: wlabel, valueWidth: 150 },
          ),
          numbers(wlTable, true),
        ),
    ),
  );

  // Funnel.
  const fkey = (f) => (f.tier ? `${f.tag}=${f.tier}` : f.tag);
  const funnelA = report.published.funnel ?? [];
  const funnelB = report.draft.funnel ?? [];
  const frow = (f) => nameOf(f.name, fkey(f));
  const fRows = funnelA.map((f, i) => ({
    label: frow(f),
    values: [f.baselineRate, f.projectedRate, funnelB[i]?.projectedRate ?? 0],
  }));
  const fTable = `<table class="data"><thead><tr><th>${esc(t('breakpoint'))}</th><th>${esc(t('kind'))}</th><th></th><th>${esc(t('clients'))}</th><th>${esc(t('baselineRate'))}</th><th>${esc(t('baselineConversions'))}</th><th>${esc(t('projectedConversions'))}</th><th>${esc(t('projectedRate'))}</th></tr></thead><tbody>${SIDES.flatMap((s) =>
    (report[s].funnel ?? []).map(
      (f, i) =>
        `<tr><th scope="row" title="${esc(fkey(f))}">${esc(frow(f))}</th><td>${esc(t(`kind_${f.kind}`))}</td><td>${esc(t(s))}</td>${cell(`/${s}/funnel/${i}/clients`, f.clients)}${cell(`/${s}/funnel/${i}/baselineRate`, f.baselineRate, (v) => fmtPct(v, 2))}${cell(`/${s}/funnel/${i}/baselineConversions`, f.baselineConversions, (v) => fmtNum(v, 1))}${cell(`/${s}/funnel/${i}/projectedConversions`, f.projectedConversions, (v) => fmtNum(v, 1))}${cell(`/${s}/funnel/${i}/projectedRate`, f.projectedRate, (v) => fmtPct(v, 2))}</tr>`,
    ),
  ).join('')}</tbody></table>`;
  html.push(
    section(
      'r-funnel',
      t('funnel'),
      legend([{ label: t('baseline'), cls: 'sBase' }, ...AB()]) +
        groupedBars(fRows, [{ label: t('baseline'), cls: 'sBase' }, ...AB()], (v) => fmtPct(v, 2), { labelWidth: 300 }) +
        numbers(fTable, true),
      t('funnelHelp'),
    ),
  );

  // Revenue.
  const rev = (s) => report[s].revenue ?? {};
  const revRows = SIDES.map((s) => ({
    label: t(s),
    segments: [
      { value: rev(s).origination ?? 0, cls: 'orig', label: t('origination') },
      { value: rev(s).execution ?? 0, cls: 'exec', label: t('execution') },
    ],
  }));
  const incRows = SIDES.map((s) => ({
    label: `${t('incentives')} ${s === 'published' ? 'A' : 'B'}`,
    segments: ['newClient', 'longTail', 'leadConversion'].map((k, i) => ({ value: rev(s).incentives?.[k] ?? 0, cls: `inc${i}`, label: t(`inc_${k}`) })),
  }));
  const revItems = [
    ['revenueBaseline', '/revenue/baseline', (r) => r.baseline],
    ['revenueProjected', '/revenue/projected', (r) => r.projected],
    ['revenueIncremental', '/revenue/incremental', (r) => r.incremental],
    ['origination', '/revenue/origination', (r) => r.origination],
    ['execution', '/revenue/execution', (r) => r.execution],
    ['inc_newClient', '/revenue/incentives/newClient', (r) => r.incentives?.newClient],
    ['inc_longTail', '/revenue/incentives/longTail', (r) => r.incentives?.longTail],
    ['inc_leadConversion', '/revenue/incentives/leadConversion', (r) => r.incentives?.leadConversion],
    ['inc_total', '/revenue/incentives/total', (r) => r.incentives?.total],
  ];
  const revTable = `<table class="data"><thead><tr><th></th><th>${esc(t('published'))}</th><th>${esc(t('draft'))}</th></tr></thead><tbody>${revItems
    .map(([k, p, get]) => `<tr><th scope="row">${esc(t(k))}</th>${SIDES.map((s) => cell(`/${s}${p}`, get(rev(s)), money)).join('')}</tr>`)
    .join('')}</tbody></table>`;
  html.push(
    section(
      'r-revenue',
      t('revenue'),
      legend([
        { label: t('origination'), cls: 'orig' },
        { label: t('execution'), cls: 'exec' },
        ...['newClient', 'longTail', 'leadConversion'].map((k, i) => ({ label: t(`inc_${k}`), cls: `inc${i}` })),
      ]) +
        viz(stacked(revRows, money) + stacked(incRows, money), numbers(revTable, true)),
    ),
  );

  // Tags.
  const tagKeys = keysOf(report, 'tags', (docs.draft?.tags ?? docs.published?.tags ?? []).flatMap((tg) => [tg.id, ...(tg.tiers ?? []).map((ti) => `${tg.id}=${ti.id}`)]));
  html.push(section('r-tags', t('tags'), numbers(abTable(report, 'tags', tagKeys, (k) => `${tagName(k)} · ${k}`))));

  // Assumptions used.
  html.push(section('r-assumptions', t('assumptionsUsed'), assumptionsTable(report.assumptions ?? {})));

  root.innerHTML = html.join('');
}

/** Every leaf of the assumptions echoed by the report, with its pointer. */
function assumptionsTable(a) {
  const rows = [];
  const walk = (v, p) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}/${ptrEsc(k)}`);
    else rows.push([p, v]);
  };
  walk(a, '');
  const item = ([p, v]) =>
    typeof v === 'number'
      ? `<div class="kv"><code>${esc(p)}</code><span class="num" data-k="/assumptions${esc(p)}" data-v="${esc(String(v))}">${esc(String(v))}</span></div>`
      : `<div class="kv${String(v).length > 60 ? ' wide' : ''}"><code>${esc(p)}</code><span>${esc(String(v))}</span></div>`;
  return `<div class="kvs">${rows.map(item).join('')}</div>`;
}

const csvCell = (v) => {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The report's main tables as one CSV in long form: table, side, row, column, value. */
export function reportCsv(report) {
  const rows = [['table', 'side', 'row', 'column', 'value']];
  const add = (...r) => rows.push(r);
  add('summary', '', 'clients', '', report.clients);
  add('summary', '', 'rejected', '', report.rejected);
  add('summary', '', 'clientsChangingLayer', '', report.clientsChangingLayer);
  add('summary', '', 'clientsChangingActions', '', report.clientsChangingActions);
  for (const s of SIDES) {
    const r = report[s];
    add('ruleSet', s, r.ruleSet.id, r.ruleSet.version, r.ruleSet.contentHash);
    for (const f of ['primaryLayers', 'tags', 'actionsBySop', 'actionsByChannel', 'actions', 'suppressions', 'controlGroup']) {
      for (const [k, v] of Object.entries(r[f] ?? {})) add(f, s, k, 'clients', v);
    }
    add('clientsWithoutAction', s, '', '', r.clientsWithoutAction);
    add('deferred', s, '', '', r.deferred);
    for (const [d, byCh] of Object.entries(r.actionsByDay ?? {})) for (const [c, v] of Object.entries(byCh)) add('actionsByDay', s, d, c, v);
    const cp = r.contactPressure ?? {};
    add('contactPressure', s, 'meanPerClientWeek', '', cp.meanPerClientWeek);
    add('contactPressure', s, 'maxPerClientWeek', '', cp.maxPerClientWeek);
    (cp.histogram ?? []).forEach((v, i) => add('contactPressure', s, 'histogram', i, v));
    for (const w of r.workload ?? []) for (const k of ['tasks', 'capacity', 'utilisation']) add('workload', s, `${w.day}/${w.channel}`, k, w[k]);
    for (const f of r.funnel ?? []) {
      for (const k of ['clients', 'baselineRate', 'baselineConversions', 'projectedConversions', 'projectedRate']) add('funnel', s, f.tier ? `${f.tag}=${f.tier}` : f.tag, k, f[k]);
    }
    const rev = r.revenue ?? {};
    for (const k of ['baseline', 'projected', 'incremental', 'origination', 'execution']) add('revenue', s, k, '', rev[k]);
    for (const [k, v] of Object.entries(rev.incentives ?? {})) add('revenue', s, 'incentives', k, v);
  }
  const tr = report.transitions;
  tr.from.forEach((f, i) => tr.to.forEach((to, j) => add('transitions', '', f, to, tr.counts[i]?.[j] ?? 0)));
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
