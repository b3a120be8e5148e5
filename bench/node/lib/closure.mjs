// A small JsonLogic → JavaScript-closure compiler, for the parts of the pack a peer's own rule
// language cannot express (json-rules-engine has no arithmetic and no expressions on the left of a
// comparison; zen cannot nest closures for `followed_by`). JsonLogic (json-logic-js) semantics.
// `state` supplies the current tags and layers: `{tags: {id: true|tierId}, layers: {id: true}}`.

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
import { truthy } from './jsonlogic.mjs';

const num = (v) => (v === null || v === undefined ? (v === null ? 0 : NaN) : +v);

/** `compile(rule)` → `(data, state) => value`; `now` in ms; `rules` for enum ranks. */
export function closureCompiler(rules, now) {
  function compile(rule) {
    if (Array.isArray(rule)) {
      const fs = rule.map(compile);
      return (d, s) => fs.map((f) => f(d, s));
    }
    if (!rule || typeof rule !== 'object') return () => rule;
    const [op] = Object.keys(rule);
    const arg = rule[op];
    const args = Array.isArray(arg) ? arg : [arg];
    const sub = () => args.map(compile);
    switch (op) {
      case 'var': {
        const [p, dflt] = Array.isArray(arg) ? arg : [arg, null];
        const segs = String(p).split('.');
        return (d) => {
          let v = d;
          for (const k of segs) {
            if (v === null || v === undefined) break;
            v = v[k];
          }
          return v === undefined || v === null ? (dflt ?? null) : v;
        };
      }
      case 'and': {
        const fs = sub();
        return (d, s) => {
          let v;
          for (const f of fs) if (!truthy((v = f(d, s)))) return v;
          return v;
        };
      }
      case 'or': {
        const fs = sub();
        return (d, s) => {
          let v;
          for (const f of fs) if (truthy((v = f(d, s)))) return v;
          return v;
        };
      }
      case '!': {
        const [f] = sub();
        return (d, s) => !truthy(f(d, s));
      }
      case '!!': {
        const [f] = sub();
        return (d, s) => truthy(f(d, s));
      }
      case 'if': {
        const fs = sub();
        return (d, s) => {
          let i = 0;
          for (; i + 1 < fs.length; i += 2) if (truthy(fs[i](d, s))) return fs[i + 1](d, s);
          return i < fs.length ? fs[i](d, s) : null;
        };
      }
      case '==':
      case '!=':
      case '===':
      case '!==':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const [a, b] = sub();
        const cmp = {
          '==': (x, y) => x == y,
          '!=': (x, y) => x != y,
          '===': (x, y) => x === y,
          '!==': (x, y) => x !== y,
          '<': (x, y) => x < y,
          '<=': (x, y) => x <= y,
          '>': (x, y) => x > y,
          '>=': (x, y) => x >= y,
        }[op];
        return (d, s) => cmp(a(d, s), b(d, s));
      }
      case '+': {
        const fs = sub();
        return (d, s) => fs.reduce((acc, f) => acc + parseFloat(f(d, s)), 0);
      }
      case '*': {
        const fs = sub();
        return (d, s) => fs.reduce((acc, f) => acc * parseFloat(f(d, s)), 1);
      }
      case '-': {
        const fs = sub();
        return fs.length === 1 ? (d, s) => -num(fs[0](d, s)) : (d, s) => num(fs[0](d, s)) - num(fs[1](d, s));
      }
      case '/': {
        const [a, b] = sub();
        return (d, s) => num(a(d, s)) / num(b(d, s));
      }
      case 'min':
      case 'max': {
        const fs = sub();
        const m = op === 'min' ? Math.min : Math.max;
        return (d, s) => m(...fs.map((f) => num(f(d, s))));
      }
      case 'in': {
        const [a, b] = sub();
        return (d, s) => {
          const h = b(d, s);
          return h != null && typeof h.indexOf === 'function' && h.indexOf(a(d, s)) !== -1;
        };
      }
      case 'days_since':
      case 'hours_since':
      case 'minutes_since': {
        const [f] = sub();
        const unit = op === 'days_since' ? MS_PER_DAY : op === 'hours_since' ? MS_PER_HOUR : MS_PER_MINUTE;
        return (d, s) => since(f(d, s), now, unit);
      }
      case 'count_events':
      case 'sum_events':
      case 'first_event':
      case 'last_event': {
        const where = arg.where === undefined ? null : compile(arg.where);
        const spec = eventSpec(arg, where === null ? null : (e) => truthy(where(e, null)));
        const f = { count_events: countEvents, sum_events: sumEvents, first_event: firstEvent, last_event: lastEvent }[op];
        return (d) => f(d.events, spec, now);
      }
      case 'followed_by':
        return (d) => followedBy(d.events, arg, now);
      case 'tag':
        return Array.isArray(arg) ? (d, s) => s.tags[arg[0]] === arg[1] : (d, s) => s.tags[arg] !== undefined;
      case 'tier':
        return (d, s) => (typeof s.tags[arg] === 'string' ? s.tags[arg] : null);
      case 'layer':
        return (d, s) => s.layers[arg] === true;
      case 'at_least':
      case 'at_most': {
        const [x, k] = arg;
        const values = rules.fields.find((f) => f.id === x.var).values;
        const r = values.indexOf(k);
        const keep = values.filter((_, i) => (op === 'at_least' ? i >= r : i <= r));
        const f = compile(x);
        return (d, s) => keep.includes(f(d, s));
      }
      default:
        throw new Error(`closure compiler: unsupported operator ${op}`);
    }
  }
  return compile;
}
