// @goplasmatic/datalogic: datalogic-rs (Rust JsonLogic) compiled to wasm. Its JS API takes the data
// as a JSON string and returns the result as a JSON string, and it has no custom operators. So the
// whole pack is compiled into ONE rule whose result is an array (every tag, layer, action condition
// and score part), evaluated once per client:
// - tag/tier/layer references are inlined (the referenced condition is substituted);
// - the domain operators become plain JsonLogic plus datalogic's own `datetime`/`date_diff`:
//   `days_since(x)` → `date_diff(now, x, "seconds") / 86400`, `count_events` → `length(filter(...))`,
//   `sum_events` / `first_event` / `last_event` / `followed_by` → `reduce` over the filtered events;
// - `null == 0` is true in datalogic (the newer JsonLogic spec), so `== 0` / `!= null` get the same
//   rewrite as for json-logic-engine (lib/jsonlogic.mjs `nullSafe`).
// Every client is `JSON.stringify`-ed into the call and its result `JSON.parse`-d: that is the API.

import { loadDatalogic } from '../lib/datalogic-load.mjs';
import { nullSafe, truthy } from '../lib/jsonlogic.mjs';
import { compilePolicy, tagOrder } from '../lib/pack.mjs';

export const name = 'datalogic';
export const label = '@goplasmatic/datalogic (wasm)';

const SCORE_KEYS = ['propensity', 'contextWeight', 'value', 'lever'];

/** The pack as one JsonLogic rule returning an array; `layout` says which slot is what. */
export function packRule(rules, now) {
  const tags = new Map(rules.tags.map((t) => [t.id, t]));
  const layers = new Map(rules.layers.map((l) => [l.id, l]));
  const NOW = { datetime: now };
  const age = (x, unitSeconds) => {
    const diff = { date_diff: [NOW, { datetime: x }, 'seconds'] };
    return unitSeconds === 1 ? diff : { '/': [diff, unitSeconds] };
  };
  const inWindow = (days) => {
    const a = age({ var: 'at' }, 1);
    return days == null ? { '>=': [a, 0] } : { and: [{ '>=': [a, 0] }, { '<=': [a, days * 86400] }] };
  };
  const filtered = (spec, types, windowDays = spec.withinDays) => ({
    filter: [
      { var: 'events' },
      {
        and: [
          types.length === 1 ? { '==': [{ var: 'type' }, types[0]] } : { in: [{ var: 'type' }, types] },
          inWindow(windowDays),
          ...(spec.where ? [tr(spec.where)] : []),
        ],
      },
    ],
  });
  const prop = (p) => (p == null ? { var: 'current.at' } : { var: `current.${p}` });

  const tagCond = (id) => {
    const t = tags.get(id);
    return t.tiers ? { or: t.tiers.map((x) => tr(x.when)) } : tr(t.when);
  };
  const tierIs = (id, tier) => {
    const t = tags.get(id);
    const k = t.tiers.findIndex((x) => x.id === tier);
    return { and: [...t.tiers.slice(0, k).map((x) => ({ '!': tr(x.when) })), tr(t.tiers[k].when)] };
  };
  const tierOf = (id) => ({ if: [...tags.get(id).tiers.flatMap((x) => [tr(x.when), x.id]), null] });

  function tr(rule) {
    if (Array.isArray(rule)) return rule.map(tr);
    if (!rule || typeof rule !== 'object') return rule;
    const [op] = Object.keys(rule);
    const arg = rule[op];
    switch (op) {
      case 'var':
        return rule;
      case 'days_since':
      case 'hours_since':
      case 'minutes_since': {
        const x = tr(arg);
        const unit = op === 'days_since' ? 86400 : op === 'hours_since' ? 3600 : 60;
        return { if: [{ '!!': x }, age(x, unit), null] };
      }
      case 'count_events':
        return { length: filtered(arg, [arg.type]) };
      case 'sum_events':
        return { reduce: [filtered(arg, [arg.type]), { '+': [{ var: 'accumulator' }, { var: [`current.${arg.property}`, 0] }] }, 0] };
      case 'first_event':
        return {
          reduce: [filtered(arg, [arg.type]), { if: [{ '===': [{ var: 'accumulator' }, null] }, prop(arg.property), { var: 'accumulator' }] }, null],
        };
      case 'last_event':
        return { reduce: [filtered(arg, [arg.type]), prop(arg.property), null] };
      case 'followed_by': {
        // State [age of the latest `first` event | null, found]; ages shrink towards now.
        const curAge = age({ var: 'current.at' }, 1);
        const within = arg.withinDays == null ? 1e15 : arg.withinDays * 86400;
        const step = {
          if: [
            { var: 'accumulator.1' },
            { var: 'accumulator' },
            {
              and: [
                { '==': [{ var: 'current.type' }, arg.then] },
                { '!==': [{ var: 'accumulator.0' }, null] },
                { '<=': [{ '-': [{ var: 'accumulator.0' }, curAge] }, within] },
              ],
            },
            [{ var: 'accumulator.0' }, true],
            { '==': [{ var: 'current.type' }, arg.first] },
            [curAge, false],
            { var: 'accumulator' },
          ],
        };
        return { in: [true, { reduce: [filtered(arg, [arg.first, arg.then], arg.sinceDays), step, [null, false]] }] };
      }
      case 'tag':
        return Array.isArray(arg) ? tierIs(arg[0], arg[1]) : { '!!': tagCond(arg) };
      case 'tier':
        return tierOf(arg);
      case 'layer':
        return { '!!': tr(layers.get(arg).when) };
      case 'at_least':
      case 'at_most': {
        const [x, k] = arg;
        const values = rules.fields.find((f) => f.id === x.var).values;
        const r = values.indexOf(k);
        return { in: [x, values.filter((_, i) => (op === 'at_least' ? i >= r : i <= r))] };
      }
      default:
        return { [op]: tr(arg) };
    }
  }

  const out = [];
  const layout = { tags: [], layers: [], when: [], parts: [] };
  for (const t of tagOrder(rules)) {
    layout.tags.push([t.id, out.length, !!t.tiers]);
    out.push(t.tiers ? tierOf(t.id) : { '!!': tr(t.when) });
  }
  for (const l of rules.layers) {
    if (l.when === undefined) continue;
    layout.layers.push([l.id, out.length]);
    out.push({ '!!': tr(l.when) });
  }
  rules.actions.forEach((a, i) => {
    if (a.when !== undefined) {
      layout.when[i] = out.length;
      out.push({ '!!': tr(a.when) });
    }
    if (a.priority == null) {
      layout.parts[i] = [];
      for (const k of SCORE_KEYS) {
        const v = a.score[k];
        if (v === undefined) continue;
        layout.parts[i].push(out.length);
        out.push(typeof v === 'number' ? v : tr(v));
      }
    }
  });
  return { rule: nullSafe(out), layout };
}

export function load({ rules, now, nowMs }) {
  const dl = loadDatalogic();
  const { rule, layout } = packRule(rules, now);
  const compiled = new dl.CompiledRule(JSON.stringify(rule), false);
  const policy = compilePolicy(rules, nowMs);
  const n = rules.actions.length;
  const defaultLayer = rules.defaultLayer ?? null;

  function decide(client) {
    const r = JSON.parse(compiled.evaluate(JSON.stringify(client)));
    const tags = {};
    for (const [id, k, tiered] of layout.tags) {
      const v = r[k];
      if (tiered ? typeof v === 'string' : v === true) tags[id] = v;
    }
    let layer = null;
    for (const [id, k] of layout.layers) {
      if (r[k] === true) {
        layer = id;
        break;
      }
    }
    if (layer === null) layer = defaultLayer;
    const eligible = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = policy.actions[i];
      eligible[i] = !a.isFallback && a.triggered && (layout.when[i] === undefined || truthy(r[layout.when[i]]));
    }
    const score = (i) => {
      if (policy.actions[i].priority !== null) return policy.actions[i].priority;
      let p = 1;
      for (const k of layout.parts[i]) {
        const v = Number(r[k]);
        p *= Number.isFinite(v) ? v : 0;
      }
      return p;
    };
    const fallbackWhen = (i) => layout.when[i] === undefined || truthy(r[layout.when[i]]);
    const chosen = policy.decide(client, eligible, score, fallbackWhen);
    return { layer, tags, actions: chosen.map((i) => policy.ids[i]) };
  }
  return { decide, ruleBytes: JSON.stringify(rule).length };
}
