// json-rules-engine: rules of `{all|any|not: [{fact, operator, value}]}` conditions, run
// asynchronously by priority. The pack is translated mechanically:
// - each boolean tag, each tier (with the earlier tiers negated), each layer and each action
//   condition is one rule; its success event sets a runtime fact (`tag:id`, `layer:id`) that
//   later (lower-priority) rules read, so tags run in dependency order, then layers, then actions;
// - `and`/`or`/`!` → `all`/`any`/`not`; a comparison with a field on the left → that fact with a
//   custom operator of JsonLogic semantics (`jl<`, `jl==`, `jlIn`, ...: json-rules-engine's own
//   operators reject null, where JsonLogic compares it as 0); a field on the right → `{fact}`;
// - json-rules-engine has no expressions: a left side that is not a field (`days_since(x)`,
//   `count_events`, `withdrawals - deposits`, ...) becomes a dynamic fact `expr` whose value a JS
//   closure computes (lib/closure.mjs), cached per run by the engine; the two score formulas of the
//   product recommendations are closures too.

import { Engine } from 'json-rules-engine';
import { compilePolicy, tagOrder } from '../lib/pack.mjs';
import { closureCompiler } from '../lib/closure.mjs';
import { truthy } from '../lib/jsonlogic.mjs';

export const name = 'json-rules-engine';
export const label = 'json-rules-engine';
export const isAsync = true;

const CMP = { '<': 'jl<', '<=': 'jl<=', '>': 'jl>', '>=': 'jl>=', '==': 'jl==', '!=': 'jl!=', '===': 'jl===', '!==': 'jl!==' };

export function load({ rules, nowMs }) {
  const engine = new Engine([], { allowUndefinedFacts: true });
  const nul = (x) => (x === undefined ? null : x);
  const ops = {
    'jl<': (a, b) => nul(a) < b,
    'jl<=': (a, b) => nul(a) <= b,
    'jl>': (a, b) => nul(a) > nul(b),
    'jl>=': (a, b) => nul(a) >= b,
    'jl==': (a, b) => nul(a) == b,
    'jl!=': (a, b) => nul(a) != b,
    'jl===': (a, b) => nul(a) === b,
    'jl!==': (a, b) => nul(a) !== b,
    jlIn: (a, list) => list.indexOf(nul(a)) !== -1,
    jlHas: (list, x) => list != null && typeof list.indexOf === 'function' && list.indexOf(x) !== -1,
    jlTruthy: (a) => truthy(a),
    jlFalsy: (a) => !truthy(a),
  };
  for (const [k, f] of Object.entries(ops)) engine.addOperator(k, f);

  const compile = closureCompiler(rules, nowMs);
  const exprs = [];
  engine.addFact('expr', async (params, almanac) => {
    const c = await almanac.factValue('__client');
    const s = await almanac.factValue('__state');
    return exprs[params.i](c, s);
  });
  const exprFact = (rule) => {
    exprs.push(compile(rule));
    return { fact: 'expr', params: { i: exprs.length - 1 } };
  };
  const isVar = (x) => x && typeof x === 'object' && 'var' in x && !Array.isArray(x.var);
  const ref = (x) => {
    if (isVar(x)) return { fact: x.var };
    if (x && typeof x === 'object' && 'tier' in x) return { fact: `tag:${x.tier}` };
    return exprFact(x);
  };

  function cond(rule) {
    const [op] = Object.keys(rule);
    const arg = rule[op];
    switch (op) {
      case 'and':
        return { all: arg.map(cond) };
      case 'or':
        return { any: arg.map(cond) };
      case '!': {
        const x = Array.isArray(arg) ? arg[0] : arg;
        if (isVar(x)) return { fact: x.var, operator: 'jlFalsy', value: null };
        if ('tag' in x && !Array.isArray(x.tag)) return { fact: `tag:${x.tag}`, operator: 'jlFalsy', value: null };
        if ('layer' in x) return { fact: `layer:${x.layer}`, operator: 'jlFalsy', value: null };
        return { not: cond(x) };
      }
      case '!!': {
        const x = Array.isArray(arg) ? arg[0] : arg;
        return { ...ref(x), operator: 'jlTruthy', value: null };
      }
      case 'tag':
        return Array.isArray(arg)
          ? { fact: `tag:${arg[0]}`, operator: 'jl===', value: arg[1] }
          : { fact: `tag:${arg}`, operator: 'jlTruthy', value: null };
      case 'layer':
        return { fact: `layer:${arg}`, operator: 'jlTruthy', value: null };
      case 'in': {
        const [a, b] = arg;
        if (Array.isArray(b)) return { ...ref(a), operator: 'jlIn', value: b };
        return { ...ref(b), operator: 'jlHas', value: a };
      }
      case 'at_least':
      case 'at_most': {
        const [x, k] = arg;
        const values = rules.fields.find((f) => f.id === x.var).values;
        const r = values.indexOf(k);
        return { fact: x.var, operator: 'jlIn', value: values.filter((_, i) => (op === 'at_least' ? i >= r : i <= r)) };
      }
      default:
        if (CMP[op] && arg.length === 2) {
          const [a, b] = arg;
          const value = isVar(b) ? { fact: b.var } : b && typeof b === 'object' ? exprFact(b) : b;
          return { ...ref(a), operator: CMP[op], value };
        }
        // Anything else (a bare domain operator such as followed_by): its truthiness.
        return { ...exprFact(rule), operator: 'jlTruthy', value: null };
    }
  }
  const top = (c) => ('all' in c || 'any' in c || 'not' in c ? c : { all: [c] });

  // Priorities: tag dependency levels first (highest), then layers, then actions.
  const level = new Map();
  const refsOf = (r, out = new Set()) => {
    if (Array.isArray(r)) r.forEach((x) => refsOf(x, out));
    else if (r && typeof r === 'object') {
      if ('tag' in r) out.add(Array.isArray(r.tag) ? r.tag[0] : r.tag);
      if ('tier' in r) out.add(r.tier);
      Object.values(r).forEach((x) => refsOf(x, out));
    }
    return out;
  };
  for (const t of tagOrder(rules)) {
    const refs = refsOf(t.tiers ? t.tiers.map((x) => x.when) : t.when);
    level.set(t.id, Math.max(0, ...[...refs].map((x) => level.get(x) + 1)));
  }
  const TAG_TOP = 100;
  for (const t of rules.tags) {
    const priority = TAG_TOP - level.get(t.id);
    if (t.tiers) {
      t.tiers.forEach((x, k) => {
        const earlier = t.tiers.slice(0, k).map((y) => ({ not: top(cond(y.when)) }));
        engine.addRule({ conditions: { all: [...earlier, cond(x.when)] }, event: { type: 'tag', params: { id: t.id, value: x.id } }, priority });
      });
    } else {
      engine.addRule({ conditions: top(cond(t.when)), event: { type: 'tag', params: { id: t.id, value: true } }, priority });
    }
  }
  rules.layers.forEach((l) => {
    if (l.when !== undefined) engine.addRule({ conditions: top(cond(l.when)), event: { type: 'layer', params: { id: l.id } }, priority: 10 });
  });
  const policy = compilePolicy(rules, nowMs);
  const scores = rules.actions.map((a) =>
    a.priority != null ? null : ['propensity', 'contextWeight', 'value', 'lever'].filter((k) => a.score[k] !== undefined).map((k) => compile(a.score[k])),
  );
  rules.actions.forEach((a, i) => {
    const conditions = a.when === undefined ? { all: [] } : top(cond(a.when));
    engine.addRule({ conditions, event: { type: 'action', params: { i } }, priority: 1 });
  });
  engine.on('success', (event, almanac) => {
    const s = almanac.factValue('__state');
    return s.then((st) => {
      const p = event.params;
      if (event.type === 'tag') {
        st.tags[p.id] = p.value;
        almanac.addRuntimeFact(`tag:${p.id}`, p.value);
      } else if (event.type === 'layer') {
        st.layers[p.id] = true;
        almanac.addRuntimeFact(`layer:${p.id}`, true);
      } else st.eligible[p.i] = true;
    });
  });

  const layerIds = rules.layers.filter((l) => l.when !== undefined).map((l) => l.id);
  const n = rules.actions.length;

  async function decide(client) {
    const st = { tags: {}, layers: {}, eligible: new Array(n).fill(false) };
    await engine.run({ ...client, __client: client, __state: st });
    const layer = layerIds.find((id) => st.layers[id]) ?? rules.defaultLayer ?? null;
    const eligible = st.eligible.map((e, i) => e && !policy.actions[i].isFallback && policy.actions[i].triggered);
    const score = (i) => {
      if (scores[i] === null) return policy.actions[i].priority;
      let p = 1;
      for (const f of scores[i]) {
        const v = Number(f(client, st));
        p *= Number.isFinite(v) ? v : 0;
      }
      return p;
    };
    const chosen = policy.decide(client, eligible, score, (i) => st.eligible[i]);
    // Only tags that are set, as the other engines report them.
    return { layer, tags: st.tags, actions: chosen.map((i) => policy.ids[i]) };
  }
  return { decide };
}
