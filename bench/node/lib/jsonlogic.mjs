// The pack's conditions for JsonLogic engines, derived mechanically from rules/internet-branch.json.
//
// Plain JsonLogic is kept as it is. The domain operators become custom operations of the engine
// (see `domainOps`), except the ordered-enum comparisons, which become plain `in` over the declared
// values (`{"at_least": [{"var": "risk_class"}, "C4"]}` → `{"in": [{"var": "risk_class"}, ["C4", "C5"]]}`).
// Event-window operators take their spec object as an argument, which a JsonLogic engine would try
// to evaluate; the spec is hoisted into a table and the operator gets its index
// (`{"count_events": {...}}` → `{"count_events": 3}`), and its `where` is evaluated by the engine.

import { tagOrder, compilePolicy } from './pack.mjs';
import {
  since,
  eventSpec,
  countEvents,
  sumEvents,
  firstEvent,
  lastEvent,
  followedBy,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
} from './domain.mjs';

const EVENT_OPS = new Set(['count_events', 'sum_events', 'first_event', 'last_event', 'followed_by']);

/** Rank comparisons → `in` over the enum's declared values (the engine's `rank` semantics). */
function rankToIn(op, args, rules) {
  const [arg, k] = args;
  const field = arg && arg.var !== undefined ? (Array.isArray(arg.var) ? arg.var[0] : arg.var) : null;
  const values = rules.fields.find((f) => f.id === field)?.values;
  if (!values || typeof k !== 'string') throw new Error(`cannot translate ${op} over ${JSON.stringify(arg)}`);
  const r = values.indexOf(k);
  const keep = values.filter((_, i) => (op === 'at_least' ? i >= r : i <= r));
  return { in: [arg, keep] };
}

/**
 * A rule with the domain operators rewritten; `specs` collects the hoisted event specs
 * (`{op, raw, where}` with `where` already translated).
 */
export function translate(rule, rules, specs) {
  if (Array.isArray(rule)) return rule.map((r) => translate(r, rules, specs));
  if (!rule || typeof rule !== 'object') return rule;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return rule;
  const op = keys[0];
  const arg = rule[op];
  if (EVENT_OPS.has(op)) {
    const where = arg.where === undefined ? null : translate(arg.where, rules, specs);
    specs.push({ op, raw: arg, where });
    return { [op]: specs.length - 1 };
  }
  if (op === 'at_least' || op === 'at_most') return rankToIn(op, arg, rules);
  if (op === 'var') return rule;
  return { [op]: translate(arg, rules, specs) };
}

/** JsonLogic truthiness (json-logic-js `truthy`: an empty array is false). */
export function truthy(v) {
  if (Array.isArray(v) && v.length === 0) return false;
  return !!v;
}

/**
 * The domain operators as plain functions of their (evaluated) arguments, reading the current
 * client and its tag/layer results from `state`. `compileWhere(rule)` → `(event) => boolean` is the
 * engine's own evaluation of a `where` filter.
 */
export function domainOps(specs, state, now, compileWhere) {
  const resolved = specs.map((s) => (s.op === 'followed_by' ? s.raw : eventSpec(s.raw, s.where === null ? null : compileWhere(s.where))));
  const ev = () => state.client.events;
  return {
    days_since: (v) => since(v, now, MS_PER_DAY),
    hours_since: (v) => since(v, now, MS_PER_HOUR),
    minutes_since: (v) => since(v, now, MS_PER_MINUTE),
    count_events: (i) => countEvents(ev(), resolved[i], now),
    sum_events: (i) => sumEvents(ev(), resolved[i], now),
    first_event: (i) => firstEvent(ev(), resolved[i], now),
    last_event: (i) => lastEvent(ev(), resolved[i], now),
    followed_by: (i) => followedBy(ev(), resolved[i], now),
    tag: (id, tier) => (tier === undefined ? state.tags[id] !== undefined : state.tags[id] === tier),
    tier: (id) => (typeof state.tags[id] === 'string' ? state.tags[id] : null),
    layer: (id) => state.layers[id] === true,
  };
}

/**
 * The whole pack for one JsonLogic engine. `build(rule)` → `(data) => value` compiles one
 * translated rule with the engine (after the domain operators were added to it with
 * `domainOps`). Tags are evaluated in dependency order, then layers, then the action conditions
 * and scores, then the shared policy pipeline.
 */
export function packRunner(rules, nowMs, build, state, isTruthy = truthy) {
  const policy = compilePolicy(rules, nowMs);
  const tags = tagOrder(rules).map((t) =>
    t.tiers
      ? { id: t.id, tiers: t.tiers.map((x) => ({ id: x.id, f: build(x.when) })) }
      : { id: t.id, f: build(t.when) },
  );
  const layers = rules.layers.filter((l) => l.when !== undefined).map((l) => ({ id: l.id, f: build(l.when) }));
  const defaultLayer = rules.defaultLayer ?? null;
  const actions = rules.actions.map((a) => ({
    when: a.when === undefined ? null : build(a.when),
    priority: a.priority ?? null,
    parts: a.priority != null ? [] : ['propensity', 'contextWeight', 'value', 'lever'].filter((k) => a.score[k] !== undefined).map((k) => {
      const v = a.score[k];
      if (typeof v === 'number') return () => v;
      return build(v);
    }),
  }));
  const n = actions.length;

  function decide(client) {
    const t = {};
    const l = {};
    state.client = client;
    state.tags = t;
    state.layers = l;
    for (const tag of tags) {
      if (tag.tiers) {
        for (const tier of tag.tiers) {
          if (isTruthy(tier.f(client))) {
            t[tag.id] = tier.id;
            break;
          }
        }
      } else if (isTruthy(tag.f(client))) {
        t[tag.id] = true;
      }
    }
    let layer = null;
    for (const ly of layers) {
      if (isTruthy(ly.f(client))) {
        l[ly.id] = true;
        if (layer === null) layer = ly.id;
      }
    }
    if (layer === null) layer = defaultLayer;
    const eligible = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = policy.actions[i];
      eligible[i] = !a.isFallback && a.triggered && (actions[i].when === null || isTruthy(actions[i].when(client)));
    }
    const score = (i) => {
      const a = actions[i];
      if (a.priority !== null) return a.priority;
      let p = 1;
      for (const f of a.parts) {
        const v = Number(f(client));
        p *= Number.isFinite(v) ? v : 0;
      }
      return p;
    };
    const fallbackWhen = (i) => actions[i].when === null || isTruthy(actions[i].when(client));
    const chosen = policy.decide(client, eligible, score, fallbackWhen);
    return { layer, tags: t, actions: chosen.map((i) => policy.ids[i]) };
  }
  return { decide };
}

/** Every condition and score expression of the pack. */
export function allConditions(rules) {
  const out = [];
  for (const t of rules.tags) {
    if (t.tiers) for (const x of t.tiers) out.push(x.when);
    else out.push(t.when);
  }
  for (const l of rules.layers) if (l.when !== undefined) out.push(l.when);
  for (const a of rules.actions) {
    if (a.when !== undefined) out.push(a.when);
    if (a.score) for (const v of Object.values(a.score)) if (typeof v === 'object') out.push(v);
  }
  return out;
}

/**
 * Translates every condition of the pack once: `{specs, tr}` where `tr(rule)` returns the
 * translation of one of the pack's own condition objects (by identity).
 */
export function prepare(rules) {
  const specs = [];
  const done = new Map();
  for (const c of allConditions(rules)) done.set(c, translate(c, rules, specs));
  const tr = (rule) => {
    const t = done.get(rule);
    if (t === undefined) throw new Error('not a condition of the pack');
    return t;
  };
  return { specs, tr };
}

/**
 * For engines that follow the newer JsonLogic spec, where `null == 0` is true and `0 != null` is false
 * (json-logic-engine, datalogic): `{"!=": [x, null]}` → `{"!==": [x, null]}` (a missing `var` is
 * null there), `{"==": [x, 0]}` → `{"and": [{"!==": [x, null]}, {"==": [x, 0]}]}` and the `!=` mirror,
 * which gives json-logic-js's (and clientseg's) answer.
 */
export function nullSafe(rule) {
  if (Array.isArray(rule)) return rule.map(nullSafe);
  if (!rule || typeof rule !== 'object') return rule;
  const [op] = Object.keys(rule);
  const arg = rule[op];
  if ((op === '==' || op === '!=') && Array.isArray(arg) && arg.length === 2) {
    const [a, b] = arg.map(nullSafe);
    const isLit = (x) => x === null || typeof x === 'number';
    const [x, k] = isLit(b) && !isLit(a) ? [a, b] : isLit(a) && !isLit(b) ? [b, a] : [null, undefined];
    if (x !== null && k === null) return { [op === '==' ? '===' : '!==']: [x, null] };
    if (x !== null && typeof k === 'number') {
      return op === '=='
        ? { and: [{ '!==': [x, null] }, { '==': [x, k] }] }
        : { or: [{ '===': [x, null] }, { '!=': [x, k] }] };
    }
    return { [op]: [a, b] };
  }
  return { [op]: nullSafe(arg) };
}
