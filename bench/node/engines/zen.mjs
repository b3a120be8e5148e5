// @gorules/zen-engine (GoRules ZEN, Rust, N-API binding for Node; its platform binary comes from npm
// optional dependencies). The pack becomes one decision graph (JDM):
//   input ─┬─────────────────────────────→ expression node → output
//          └→ function node (followed_by) ─┘
// The expression node computes, in order, every tag (`t_<id>`), layer (`l_<id>`), action condition
// (`w_<i>`) and score part (`s_<i>_<k>`); later expressions read earlier ones through `$`. Each
// JsonLogic condition is translated mechanically into a ZEN expression. ZEN is typed: comparing or
// negating null is an error, so the translation spells out JsonLogic's coercions from the declared
// field types (a missing number compares as 0, a missing datetime is falsy). Datetimes go through
// ZEN's `date()` (seconds); event-window operators through `filter`/`count`/`map`/`sum`.
// ZEN cannot nest closures with access to the outer element, so `followed_by` (pairs of events)
// runs in a ZEN function node (JavaScript inside the engine): the custom operation ZEN supports.
// Every `evaluate` is asynchronous (the N-API call returns a Promise); clients are decided one at a time.

import { createRequire } from 'node:module';
import { compilePolicy, tagOrder } from '../lib/pack.mjs';

export const name = 'zen';
export const label = '@gorules/zen-engine (N-API)';
export const isAsync = true;

const SCORE_KEYS = ['propensity', 'contextWeight', 'value', 'lever'];
const q = (s) => JSON.stringify(s);

export function graph(rules, nowMs) {
  const NOWS = nowMs / 1000;
  const types = new Map(rules.fields.map((f) => [f.id, f]));
  const fbs = [];
  const tiers = new Map(rules.tags.filter((t) => t.tiers).map((t) => [t.id, t.tiers.map((x) => x.id)]));

  // Each translation returns {e: expression, k: kind} with kind 'bool' | 'num' (may be null) | 'str' | 'time' | 'list' | 'any'.
  const kindOfField = (id) => {
    const t = types.get(id)?.type;
    return t === 'number' || t === 'integer' ? 'num' : t === 'boolean' ? 'bool?' : t === 'datetime' ? 'time' : t === 'list' ? 'list' : 'str';
  };
  const truth = ({ e, k }) =>
    k === 'bool'
      ? e
      : k === 'bool?'
        ? `(${e} == true)`
        : k === 'num'
          ? `((${e} ?? 0) != 0)`
          : k === 'list'
            ? `(len(${e} ?? []) > 0)`
            : `(${e} != null and ${e} != "")`;
  const num = ({ e, k }) => (k === 'num' || k === 'time?' ? `(${e} ?? 0)` : k === 'lit' ? e : `(${e} ?? 0)`);

  function window(spec, frame, days) {
    const at = `date(${frame}.at)`;
    const parts = [`${frame}.type == ${q(spec.type)}`, `${at} <= ${NOWS}`];
    if (days != null) parts.push(`${at} >= ${NOWS - days * 86400}`);
    if (spec.where) parts.push(truth(tr(spec.where, '#')));
    return parts.join(' and ');
  }

  function tr(rule, frame = null) {
    if (rule === null) return { e: 'null', k: 'null' };
    if (typeof rule === 'number') return { e: String(rule), k: 'lit' };
    if (typeof rule === 'string') return { e: q(rule), k: 'strlit' };
    if (typeof rule === 'boolean') return { e: String(rule), k: 'bool' };
    if (Array.isArray(rule)) return { e: `[${rule.map((x) => tr(x, frame).e).join(', ')}]`, k: 'list' };
    const [op] = Object.keys(rule);
    const arg = rule[op];
    const args = Array.isArray(arg) ? arg : [arg];
    switch (op) {
      case 'var': {
        const [p, dflt] = Array.isArray(arg) ? arg : [arg, undefined];
        const base = frame ? `${frame}.${p}` : p;
        const k = frame ? 'str' : kindOfField(p);
        return dflt === undefined ? { e: base, k } : { e: `(${base} ?? ${tr(dflt).e})`, k: 'lit' };
      }
      case 'and':
      case 'or':
        return { e: `(${args.map((x) => truth(tr(x, frame))).join(` ${op} `)})`, k: 'bool' };
      case '!':
        return { e: `(not ${truth(tr(args[0], frame))})`, k: 'bool' };
      case '!!':
        return { e: truth(tr(args[0], frame)), k: 'bool' };
      case 'if': {
        const parts = args.map((x) => tr(x, frame));
        let e = parts.length % 2 ? parts[parts.length - 1].e : 'null';
        for (let i = parts.length - (parts.length % 2 ? 3 : 2); i >= 0; i -= 2) e = `(${truth(parts[i])} ? ${parts[i + 1].e} : ${e})`;
        return { e, k: 'lit' };
      }
      case '==':
      case '!=':
      case '===':
      case '!==': {
        const [a, b] = args.map((x) => tr(x, frame));
        const neg = op.startsWith('!');
        if (a.k === 'time' && b.k === 'time') throw new Error('datetime equality is not in the pack');
        return { e: `(${a.e} ${neg ? '!=' : '=='} ${b.e})`, k: 'bool' };
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const [a, b] = args.map((x) => tr(x, frame));
        if (a.k === 'time' && b.k === 'time') return { e: `(${a.e} != null and ${b.e} != null and date(${a.e}) ${op} date(${b.e}))`, k: 'bool' };
        return { e: `(${num(a)} ${op} ${num(b)})`, k: 'bool' };
      }
      case '+':
      case '*': {
        const parts = args.map((x) => num(tr(x, frame)));
        return { e: `(${parts.join(` ${op} `)})`, k: 'lit' };
      }
      case '-':
        return { e: `(${num(tr(args[0], frame))} - ${num(tr(args[1], frame))})`, k: 'lit' };
      case 'min':
      case 'max':
        return { e: `${op}([${args.map((x) => num(tr(x, frame))).join(', ')}])`, k: 'lit' };
      case 'in': {
        const [a, b] = args.map((x) => tr(x, frame));
        if (b.k === 'list' && Array.isArray(args[1])) return { e: `(${a.e} != null and ${a.e} in ${b.e})`, k: 'bool' };
        return { e: `(${b.e} != null and ${a.e} in ${b.e})`, k: 'bool' };
      }
      case 'days_since':
      case 'hours_since':
      case 'minutes_since': {
        const x = tr(args[0], frame).e;
        const unit = op === 'days_since' ? 86400 : op === 'hours_since' ? 3600 : 60;
        return { e: `(${x} == null ? null : (${NOWS} - date(${x})) / ${unit})`, k: 'num' };
      }
      case 'count_events':
        return { e: `count(events ?? [], ${window(arg, '#', arg.withinDays)})`, k: 'lit' };
      case 'sum_events':
        return { e: `sum(map(filter(events ?? [], ${window(arg, '#', arg.withinDays)}), #.${arg.property} ?? 0))`, k: 'lit' };
      case 'first_event': {
        const f = `filter(events ?? [], ${window(arg, '#', arg.withinDays)})`;
        return { e: `(${f}[0] ?? {}).${arg.property ?? 'at'}`, k: arg.property ? 'num' : 'str' };
      }
      case 'last_event': {
        const f = `filter(events ?? [], ${window(arg, '#', arg.withinDays)})`;
        return { e: `(len(${f}) > 0 ? ${f}[len(${f}) - 1].${arg.property ?? 'at'} : null)`, k: 'str' };
      }
      case 'followed_by':
        fbs.push(arg);
        return { e: `fb_${fbs.length - 1}`, k: 'bool' };
      case 'tag':
        return Array.isArray(arg) ? { e: `($.t_${arg[0]} == ${q(arg[1])})`, k: 'bool' } : { e: `($.t_${arg} != false and $.t_${arg} != null)`, k: 'bool' };
      case 'tier':
        return { e: `$.t_${arg}`, k: 'str' };
      case 'layer':
        return { e: `$.l_${arg}`, k: 'bool' };
      case 'at_least':
      case 'at_most': {
        const [x, k] = arg;
        const values = rules.fields.find((f) => f.id === x.var).values;
        const r = values.indexOf(k);
        const keep = values.filter((_, i) => (op === 'at_least' ? i >= r : i <= r));
        return { e: `(${x.var} != null and ${x.var} in ${q(keep)})`, k: 'bool' };
      }
      default:
        throw new Error(`zen: no translation for ${op}`);
    }
  }

  const expressions = [];
  const push = (key, value) => expressions.push({ id: String(expressions.length), key, value });
  for (const t of tagOrder(rules)) {
    if (t.tiers) {
      let e = 'null';
      for (let i = t.tiers.length - 1; i >= 0; i--) e = `(${truth(tr(t.tiers[i].when))} ? ${q(t.tiers[i].id)} : ${e})`;
      push(`t_${t.id}`, e);
    } else push(`t_${t.id}`, truth(tr(t.when)));
  }
  for (const l of rules.layers) if (l.when !== undefined) push(`l_${l.id}`, truth(tr(l.when)));
  rules.actions.forEach((a, i) => {
    if (a.when !== undefined) push(`w_${i}`, truth(tr(a.when)));
    if (a.priority == null) {
      for (const k of SCORE_KEYS) {
        const v = a.score[k];
        if (v !== undefined) push(`s_${i}_${k}`, typeof v === 'number' ? String(v) : num(tr(v)));
      }
    }
  });

  const fbSource = `
const NOW = ${nowMs};
const specs = ${JSON.stringify(fbs)};
const DAY = 86400000;
export const handler = async (input) => {
  const ev = Array.isArray(input.events) ? input.events : [];
  const out = {};
  specs.forEach((s, i) => {
    const from = s.sinceDays == null ? -Infinity : NOW - s.sinceDays * DAY;
    const within = s.withinDays == null ? Infinity : s.withinDays * DAY;
    let latest = null;
    let found = false;
    for (const e of ev) {
      if (e.type !== s.first && e.type !== s.then) continue;
      const at = Date.parse(e.at);
      if (!(at >= from && at <= NOW)) continue;
      if (e.type === s.then && latest !== null && at - latest <= within) { found = true; break; }
      if (e.type === s.first) latest = at;
    }
    out['fb_' + i] = found;
  });
  return out;
};`;
  const pos = { x: 0, y: 0 };
  const nodes = [
    { id: 'in', type: 'inputNode', name: 'client', position: pos },
    { id: 'pack', type: 'expressionNode', name: 'pack', position: pos, content: { expressions } },
    { id: 'out', type: 'outputNode', name: 'decision', position: pos },
  ];
  const edges = [
    { id: 'e1', sourceId: 'in', targetId: 'pack', type: 'edge' },
    { id: 'e2', sourceId: 'pack', targetId: 'out', type: 'edge' },
  ];
  if (fbs.length) {
    nodes.push({ id: 'fb', type: 'functionNode', name: 'followed_by', position: pos, content: { source: fbSource } });
    edges.push({ id: 'e3', sourceId: 'in', targetId: 'fb', type: 'edge' }, { id: 'e4', sourceId: 'fb', targetId: 'pack', type: 'edge' });
  }
  return { nodes, edges, tiers };
}

export function load({ rules, nowMs }) {
  const zen = createRequire(import.meta.url)('@gorules/zen-engine');
  const { nodes, edges, tiers } = graph(rules, nowMs);
  const engine = new zen.ZenEngine();
  const decision = engine.createDecision({ nodes, edges });
  const policy = compilePolicy(rules, nowMs);
  const layerIds = rules.layers.filter((l) => l.when !== undefined).map((l) => l.id);
  const n = rules.actions.length;

  async function decide(client) {
    const r = (await decision.evaluate(client)).result;
    const tags = {};
    for (const t of rules.tags) {
      const v = r[`t_${t.id}`];
      if (tiers.has(t.id) ? typeof v === 'string' : v === true) tags[t.id] = v;
    }
    const layer = layerIds.find((id) => r[`l_${id}`] === true) ?? rules.defaultLayer ?? null;
    const eligible = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = policy.actions[i];
      eligible[i] = !a.isFallback && a.triggered && (r[`w_${i}`] === undefined || r[`w_${i}`] === true);
    }
    const score = (i) => {
      if (policy.actions[i].priority !== null) return policy.actions[i].priority;
      let p = 1;
      for (const k of SCORE_KEYS) {
        const v = r[`s_${i}_${k}`];
        if (v === undefined) continue;
        p *= Number.isFinite(v) ? v : 0;
      }
      return p;
    };
    const chosen = policy.decide(client, eligible, score, (i) => r[`w_${i}`] === undefined || r[`w_${i}`] === true);
    return { layer, tags, actions: chosen.map((i) => policy.ids[i]) };
  }
  return { decide };
}
