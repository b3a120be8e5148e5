// The rule pack as the peers see it: tags in dependency order, layers, actions, and the
// next-best-action pipeline's policy (control groups, suitability, consent, personalisation,
// cooldown, suppression, quiet hours, caps, ranking, top-k), data-driven from the same JSON.
//
// Peers evaluate the conditions (tags, tiers, layers, action `when`, score expressions) in their
// own rule language; the policy gates are not conditions, so every peer runs this one shared
// JavaScript pipeline after its own evaluation (and pays for it in its timings).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashPrefix, holdoutDraw, parseTime, MS_PER_DAY } from './domain.mjs';

export const RULES_PATH = fileURLToPath(new URL('../../../rules/internet-branch.json', import.meta.url));
export const NOW = '2026-11-25T10:00:00+08:00';

export function loadRules(path = RULES_PATH) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every `{op: ...}` node of a condition, depth first. */
export function walk(rule, visit) {
  if (Array.isArray(rule)) {
    for (const r of rule) walk(r, visit);
  } else if (rule && typeof rule === 'object') {
    visit(rule);
    for (const v of Object.values(rule)) walk(v, visit);
  }
}

/** Tags referenced by a condition (`{"tag": "x"}` or `{"tag": ["x", "tier"]}`, `{"tier": "x"}`). */
function tagRefs(rule) {
  const out = new Set();
  walk(rule, (n) => {
    if ('tag' in n) out.add(Array.isArray(n.tag) ? n.tag[0] : n.tag);
    if ('tier' in n) out.add(n.tier);
  });
  return out;
}

/** Tags in an order where each comes after the tags it reads (declaration order otherwise). */
export function tagOrder(rules) {
  const byId = new Map(rules.tags.map((t) => [t.id, t]));
  const done = new Set();
  const order = [];
  const visit = (t) => {
    if (done.has(t.id)) return;
    done.add(t.id);
    const conds = t.tiers ? t.tiers.map((x) => x.when) : [t.when];
    for (const ref of tagRefs(conds)) visit(byId.get(ref));
    order.push(t);
  };
  rules.tags.forEach(visit);
  return order;
}

/** The canonical text of one decision: primary layer | tags (declaration order) | chosen actions. */
export function canonical(rules, out) {
  const tags = [];
  for (const t of rules.tags) {
    const v = out.tags[t.id];
    if (v === true) tags.push(t.id);
    else if (typeof v === 'string') tags.push(`${t.id}=${v}`);
  }
  return `${out.layer ?? '-'}|${tags.join(',')}|${out.actions.join(',')}`;
}

const CHANNELS = ['push', 'sms', 'wecom', 'outbound_call', 'advisor_assignment', 'in_app'];

/**
 * The action pipeline of a rule set for one `now` (ms). `decide(client, eligible, score, fallbackWhen)`:
 * `eligible[i]` whether action i's condition holds (ignored for fallback-only and untriggered actions),
 * `score(i)` its ranking number, `fallbackWhen(i)` the condition of a fallback when it is offered.
 * Returns the chosen action indices, best first.
 */
export function compilePolicy(rules, now, event = null) {
  const sopIndex = new Map(rules.sops.map((s, i) => [s.id, i]));
  const actionIndex = new Map(rules.actions.map((a, i) => [a.id, i]));
  const fallbackTargets = new Set(rules.actions.map((a) => a.fallback).filter(Boolean));
  const risks = rules.suitability?.productRisks ?? ['R1', 'R2', 'R3', 'R4', 'R5'];
  const classField = rules.suitability?.investorClassField;
  const classValues = rules.fields.find((f) => f.id === classField)?.values ?? [];
  const maxRisk = classValues.map((c, k) => {
    const r = rules.suitability?.maxProductRisk?.[c];
    return r == null ? k + 1 : risks.indexOf(r) + 1;
  });
  const actions = rules.actions.map((a) => ({
    id: a.id,
    sop: sopIndex.get(a.sop),
    sopId: a.sop,
    channel: CHANNELS.indexOf(a.channel),
    product: a.content === 'product',
    productRisk: a.productRisk ? risks.indexOf(a.productRisk) + 1 : 0,
    cooldownMs: a.cooldownDays == null ? null : a.cooldownDays * MS_PER_DAY,
    personalised: !!a.personalised,
    fallback: a.fallback ? actionIndex.get(a.fallback) : -1,
    isFallback: fallbackTargets.has(a.id),
    triggered: !a.triggers || a.triggers.length === 0 || (event != null && a.triggers.includes(event)),
    priority: a.priority ?? null,
  }));
  const consent = CHANNELS.map((ch) => {
    const c = rules.consent?.channels?.[ch];
    return c === undefined ? false : c;
  });
  const personalisation = rules.consent?.personalisation ?? null;
  const cp = rules.contactPolicy ?? {};
  const caps = CHANNELS.map((ch) => {
    const c = cp.channels?.[ch];
    return c ? { max: c.max, windowMs: c.windowDays * MS_PER_DAY } : null;
  });
  const global = cp.global ? { max: cp.global.max, windowMs: cp.global.windowDays * MS_PER_DAY } : null;
  const tzOffsetMin = offsetMinutes(rules.timeZone ?? '+08:00');
  const quiet = (() => {
    const q = cp.quietHours;
    if (!q) return null;
    const mins = (s) => +s.slice(0, 2) * 60 + +s.slice(3, 5);
    const start = mins(q.start);
    const end = mins(q.end);
    const m = (((Math.floor(now / 60000) + tzOffsetMin) % 1440) + 1440) % 1440;
    const inQuiet = start <= end ? m >= start && m < end : m >= start || m < end;
    const chans = q.channels ?? CHANNELS;
    return { drop: q.mode === 'drop', active: inQuiet, channels: CHANNELS.map((c) => chans.includes(c)) };
  })();
  const sup = cp.suppression
    ? {
        rejections: cp.suppression.rejections,
        windowMs: cp.suppression.windowDays * MS_PER_DAY,
        pauseMs: cp.suppression.pauseDays * MS_PER_DAY,
        scope: cp.suppression.scope,
      }
    : null;
  const maxActions = cp.maxActionsPerDecision ?? Infinity;
  const holdout = rules.sops.map((s) => {
    const share = rules.holdout?.sops?.[s.id] ?? 0;
    return { share, prefix: hashPrefix([rules.holdout?.salt ?? '', s.id]) };
  });
  const s = rules.suitability;
  const validityMs = s?.validityDays == null ? null : s.validityDays * MS_PER_DAY;

  /** Contacts with parsed times and resolved actions/channels, oldest first (as the engine reads them). */
  function readContacts(list) {
    const out = [];
    if (!Array.isArray(list)) return out;
    for (const c of list) {
      const at = parseTime(c.at, tzOffsetMin);
      if (at == null) continue;
      out.push({
        at,
        action: c.action == null ? -1 : (actionIndex.get(c.action) ?? -1),
        channel: CHANNELS.indexOf(c.channel),
        rejected: c.outcome === 'rejected',
      });
    }
    out.sort((a, b) => a.at - b.at);
    return out;
  }

  function countContacts(contacts, windowMs, channel) {
    const from = now - windowMs;
    let n = 0;
    for (const c of contacts) if (c.at > from && c.at <= now && (channel < 0 || c.channel === channel)) n++;
    return n;
  }

  function suitable(a, client) {
    const cls = client[classField];
    const k = classValues.indexOf(cls);
    if (k < 0) return false;
    if (s.assessedAtField && validityMs != null) {
      const at = parseTime(client[s.assessedAtField], tzOffsetMin);
      if (at == null || now - at > validityMs) return false;
    }
    return a.productRisk !== 0 && a.productRisk <= maxRisk[k];
  }

  /** null: the action is a candidate; otherwise the blocking reason. */
  function gate(i, client, held, st) {
    const a = actions[i];
    let h = held[a.sop];
    if (h === undefined) {
      const hd = holdout[a.sop];
      h = hd.share > 0 && holdoutDraw(hd.prefix, String(client.id)) < hd.share;
      held[a.sop] = h;
    }
    if (h) return 'control_group';
    if (a.product && !suitable(a, client)) return 'suitability';
    const c = consent[a.channel];
    if (!(c === true || (typeof c === 'string' && client[c] === true))) return 'consent';
    if (a.personalised && !(personalisation && client[personalisation] === true)) return 'personalisation_off';
    if (st.contacts === null) st.contacts = readContacts(client.contacts);
    const contacts = st.contacts;
    if (a.cooldownMs != null) {
      for (let k = contacts.length - 1; k >= 0; k--) {
        const c = contacts[k];
        if (c.at <= now && c.action === i) {
          if (now < c.at + a.cooldownMs) return 'cooldown';
          break;
        }
      }
    }
    if (sup) {
      const from = now - sup.windowMs;
      let count = 0;
      let latest = -Infinity;
      for (const c of contacts) {
        if (!c.rejected || !(c.at > from && c.at <= now)) continue;
        const inScope =
          sup.scope === 'action'
            ? c.action === i
            : sup.scope === 'sop'
              ? c.action >= 0 && actions[c.action].sop === a.sop
              : sup.scope === 'channel'
                ? c.channel === a.channel
                : true;
        if (inScope) {
          count++;
          if (c.at > latest) latest = c.at;
        }
      }
      if (sup.rejections > 0 && count >= sup.rejections && now < latest + sup.pauseMs) return 'suppressed';
    }
    return null;
  }

  function decide(client, eligible, score, fallbackWhen) {
    const held = [];
    const st = { contacts: null };
    const cand = [];
    let offered = null;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (a.isFallback || !a.triggered || !eligible[i]) continue;
      const why = gate(i, client, held, st);
      if (why === 'personalisation_off' && a.fallback >= 0 && !(offered && offered.includes(a.fallback))) {
        const fb = a.fallback;
        (offered ??= []).push(fb);
        if (actions[fb].triggered && fallbackWhen(fb) && gate(fb, client, held, st) === null) {
          cand.push([fb, score(fb)]);
        }
      }
      if (why === null) cand.push([i, score(i)]);
    }
    if (cand.length === 0) return [];
    cand.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    if (st.contacts === null) st.contacts = readContacts(client.contacts);
    const perChannel = [0, 0, 0, 0, 0, 0];
    let total = 0;
    const chosen = [];
    for (const [i] of cand) {
      const a = actions[i];
      const ch = a.channel;
      if (quiet && quiet.active && quiet.channels[ch] && quiet.drop) continue;
      const cap = caps[ch];
      if (cap && countContacts(st.contacts, cap.windowMs, ch) + perChannel[ch] >= cap.max) continue;
      if (global && countContacts(st.contacts, global.windowMs, -1) + total >= global.max) continue;
      if (chosen.length >= maxActions) continue;
      perChannel[ch]++;
      total++;
      chosen.push(i);
    }
    return chosen;
  }

  /** A score's product of parts, each made finite (non-finite counts as 0), as the engine ranks. */
  function product(parts) {
    let p = 1;
    for (const n of parts) p *= Number.isFinite(n) ? n : 0;
    return p;
  }

  return { actions, decide, product, ids: actions.map((a) => a.id) };
}

function offsetMinutes(tz) {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]);
  if (tz === 'Asia/Shanghai' || tz === 'Asia/Hong_Kong' || tz === 'Asia/Taipei') return 480;
  if (tz === 'UTC') return 0;
  throw new Error(`time zone ${tz} is not supported by the benchmark's JS policy`);
}

/** `score(i)` as a JS function from per-part evaluators: `{priority}` or the product of the parts. */
export function scoreParts(rules) {
  return rules.actions.map((a) =>
    a.priority != null ? { priority: a.priority } : { parts: ['propensity', 'contextWeight', 'value', 'lever'].map((k) => a.score[k]).filter((x) => x !== undefined) },
  );
}
