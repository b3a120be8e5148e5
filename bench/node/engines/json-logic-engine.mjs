// json-logic-engine in its compiled mode (`engine.build(rule)` generates a JavaScript function per
// rule). The domain operators are added with `addMethod` (see lib/jsonlogic.mjs), each marked
// non-deterministic so the compiler never folds them at build time; `where` filters are built too.
//
// One semantic difference from json-logic-js (and clientseg) needs a rewrite: json-logic-engine
// treats `null == 0` as true and `0 != null` as false by design. A missing `var` is null in it, so
// `{"!=": [x, null]}` becomes `{"!==": [x, null]}` and `{"==": [x, 0]}` becomes
// `{"and": [{"!==": [x, null]}, {"==": [x, 0]}]}` (and the `!=` mirror), which is json-logic-js's answer.

import { LogicEngine } from 'json-logic-engine';
import { prepare, domainOps, packRunner, nullSafe } from '../lib/jsonlogic.mjs';

export const name = 'json-logic-engine';
export const label = 'json-logic-engine (compiled)';

export function load({ rules, nowMs }) {
  const engine = new LogicEngine();
  const { specs, tr } = prepare(rules);
  const state = { client: null, tags: null, layers: null };
  const ops = domainOps(specs, state, nowMs, (where) => {
    const f = engine.build(where);
    return (event) => !!f(event);
  });
  for (const [op, f] of Object.entries(ops)) {
    engine.addMethod(op, { method: (args) => f(...args), deterministic: false });
  }
  return packRunner(rules, nowMs, (rule) => engine.build(nullSafe(tr(rule))), state);
}
