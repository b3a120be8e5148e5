// json-logic-js, the reference JsonLogic implementation (an interpreter). The domain operators are
// added with `add_operation` (see lib/jsonlogic.mjs); `where` filters run through `jsonLogic.apply`.

import { createRequire } from 'node:module';
import { prepare, domainOps, packRunner } from '../lib/jsonlogic.mjs';

export const name = 'json-logic-js';
export const label = 'json-logic-js';

export function load({ rules, nowMs }) {
  const jsonLogic = createRequire(import.meta.url)('json-logic-js');
  const { specs, tr } = prepare(rules);
  const state = { client: null, tags: null, layers: null };
  const ops = domainOps(specs, state, nowMs, (where) => (event) => jsonLogic.truthy(jsonLogic.apply(where, event)));
  for (const [op, f] of Object.entries(ops)) jsonLogic.add_operation(op, f);
  const build = (rule) => {
    const t = tr(rule);
    return (data) => jsonLogic.apply(t, data);
  };
  return packRunner(rules, nowMs, build, state, jsonLogic.truthy);
}
