// Forms generated from documents: the draft's common thresholds (numbers in tag and layer
// conditions, contact caps, quiet hours) and every simulation assumption. A form only reads and
// writes values at JSON pointers; what the values mean is the package's business.

import { t, has, nameOf } from './i18n.js';

const OPS = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '==': '=', '===': '=', '!=': '≠', '!==': '≠' };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c != null));
  return e;
}

/** A short readable form of a condition, for labels: `{"days_since": {"var": "x"}}` → days_since(x). */
function short(expr) {
  if (expr === null) return 'null';
  if (typeof expr !== 'object') return JSON.stringify(expr);
  if (Array.isArray(expr)) return `[${expr.map(short).join(', ')}]`;
  const [op, arg] = Object.entries(expr)[0] ?? ['', null];
  if (op === 'var') return Array.isArray(arg) ? String(arg[0]) : String(arg);
  if (op in OPS && Array.isArray(arg)) return arg.map(short).join(` ${OPS[op]} `);
  if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
    const inner = [arg.type, arg.first && `${arg.first}→${arg.then}`, arg.property].filter(Boolean).join(', ');
    return `${op}(${inner})`;
  }
  const args = Array.isArray(arg) ? arg : [arg];
  const s = `${op}(${args.map(short).join(', ')})`;
  return s.length > 48 ? `${op}(…)` : s;
}

/** Every number literal in a condition, each with a label showing where it sits. */
function numbersIn(when, base) {
  const out = [];
  const walk = (node, ptr, parentOp, parentArgs, index, key) => {
    if (typeof node === 'number') {
      let label;
      if (parentOp in OPS && parentArgs) {
        label = parentArgs.map((a, k) => (k === index ? '□' : short(a))).join(` ${OPS[parentOp]} `);
      } else if (key != null && parentOp) {
        label = `${short({ [parentOp]: parentArgs })} · ${key}`;
      } else label = parentOp ? `${parentOp}(… □ …)` : '□';
      out.push({ ptr, value: node, label });
      return;
    }
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((c, k) => walk(c, `${ptr}/${k}`, parentOp, node, k, null));
      return;
    }
    for (const [op, arg] of Object.entries(node)) {
      const p = `${ptr}/${op.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (Array.isArray(arg)) arg.forEach((c, k) => walk(c, `${p}/${k}`, op, arg, k, null));
      else if (arg && typeof arg === 'object') {
        for (const [k, v] of Object.entries(arg)) walk(v, `${p}/${k}`, op, arg, null, k);
      } else walk(arg, p, op, [arg], 0, null);
    }
  };
  walk(when, base, null, null, null, null);
  return out;
}

function numberInput(ptr, value, onEdit, opts = {}) {
  const input = el('input', { type: 'number', step: 'any', value: String(value), 'data-ptr': ptr, ...opts });
  input.addEventListener('input', () => {
    if (input.value.trim() === '' || !Number.isFinite(input.valueAsNumber)) return;
    onEdit(ptr, input.valueAsNumber);
  });
  return input;
}

/**
 * The threshold controls for a draft rule document `doc`. `onEdit(pointer, value)` writes one
 * value back into the draft's JSON text.
 */
export function renderThresholds(container, doc, onEdit) {
  container.replaceChildren();
  if (!doc || typeof doc !== 'object') {
    container.append(el('p', { class: 'muted', text: t('thresholdsNeedJson') }));
    return;
  }
  const group = (title, items, open) => {
    const d = el('details', { class: 'tgroup', open });
    d.append(el('summary', { text: title }), ...items);
    return d;
  };
  const row = (label, input, title) =>
    el('label', { class: 'trow', title }, el('span', { class: 'tlabel', text: label }), input);

  const ownerBlock = (owner, ptr, conds) => {
    const items = [];
    for (const { name, base, when } of conds) {
      for (const n of numbersIn(when, base)) {
        items.push(row(`${name ? `${name}: ` : ''}${n.label}`, numberInput(n.ptr, n.value, onEdit), n.ptr));
      }
    }
    if (!items.length) return null;
    const d = el('details', { class: 'towner', 'data-owner': ptr });
    d.append(el('summary', { text: `${nameOf(owner.name, owner.id)} · ${owner.id} (${items.length})` }), ...items);
    return d;
  };

  const tags = (doc.tags ?? []).map((tag, i) => {
    const ptr = `/tags/${i}`;
    const conds = Array.isArray(tag.tiers)
      ? tag.tiers.map((tier, k) => ({ name: nameOf(tier.name, tier.id), base: `${ptr}/tiers/${k}/when`, when: tier.when }))
      : [{ name: null, base: `${ptr}/when`, when: tag.when }];
    return ownerBlock(tag, ptr, conds);
  });
  const layers = (doc.layers ?? []).map((layer, i) =>
    ownerBlock(layer, `/layers/${i}`, [{ name: null, base: `/layers/${i}/when`, when: layer.when }]),
  );
  const tagItems = tags.filter(Boolean);
  const layerItems = layers.filter(Boolean);
  container.append(group(t('tagsGroup'), tagItems.length ? tagItems : [el('p', { class: 'muted', text: t('noThresholds') })], true));
  container.append(group(t('layersGroup'), layerItems.length ? layerItems : [el('p', { class: 'muted', text: t('noThresholds') })], false));

  const cp = doc.contactPolicy;
  if (cp && typeof cp === 'object') {
    const items = [];
    const num = (label, ptr, v) => typeof v === 'number' && items.push(row(label, numberInput(ptr, v, onEdit, { min: 0 }), ptr));
    for (const [ch, cap] of Object.entries(cp.channels ?? {})) {
      const g = el('div', { class: 'tpair' }, el('span', { class: 'tlabel', text: `${t('perChannel')} · ${t(`ch_${ch}`)}` }));
      if (typeof cap?.max === 'number') g.append(el('span', { class: 'unit', text: t('max') }), numberInput(`/contactPolicy/channels/${ch}/max`, cap.max, onEdit, { min: 0 }));
      if (typeof cap?.windowDays === 'number') g.append(el('span', { class: 'unit', text: t('windowDays') }), numberInput(`/contactPolicy/channels/${ch}/windowDays`, cap.windowDays, onEdit, { min: 0 }));
      items.push(g);
    }
    if (cp.global) {
      const g = el('div', { class: 'tpair' }, el('span', { class: 'tlabel', text: t('global') }));
      if (typeof cp.global.max === 'number') g.append(el('span', { class: 'unit', text: t('max') }), numberInput('/contactPolicy/global/max', cp.global.max, onEdit, { min: 0 }));
      if (typeof cp.global.windowDays === 'number') g.append(el('span', { class: 'unit', text: t('windowDays') }), numberInput('/contactPolicy/global/windowDays', cp.global.windowDays, onEdit, { min: 0 }));
      items.push(g);
    }
    const q = cp.quietHours;
    if (q && typeof q === 'object') {
      const g = el('div', { class: 'tpair' }, el('span', { class: 'tlabel', text: t('quietHours') }));
      for (const k of ['start', 'end']) {
        if (typeof q[k] !== 'string') continue;
        const input = el('input', { type: 'time', value: q[k], 'data-ptr': `/contactPolicy/quietHours/${k}` });
        input.addEventListener('change', () => input.value && onEdit(`/contactPolicy/quietHours/${k}`, input.value));
        g.append(el('span', { class: 'unit', text: t(k) }), input);
      }
      if (typeof q.mode === 'string') {
        const sel = el('select', { 'data-ptr': '/contactPolicy/quietHours/mode' });
        for (const m of ['drop', 'defer']) sel.append(el('option', { value: m, text: t(m === 'drop' ? 'modeDrop' : 'modeDefer'), selected: q.mode === m }));
        sel.addEventListener('change', () => onEdit('/contactPolicy/quietHours/mode', sel.value));
        g.append(el('span', { class: 'unit', text: t('mode') }), sel);
      }
      items.push(g);
    }
    const s = cp.suppression;
    if (s && typeof s === 'object') {
      const g = el('div', { class: 'tpair' }, el('span', { class: 'tlabel', text: t('suppression') }));
      for (const [k, label] of [['rejections', 'rejections'], ['windowDays', 'windowDays'], ['pauseDays', 'pauseDays']]) {
        if (typeof s[k] === 'number') g.append(el('span', { class: 'unit', text: t(label) }), numberInput(`/contactPolicy/suppression/${k}`, s[k], onEdit, { min: 0 }));
      }
      items.push(g);
    }
    num(t('maxActionsPerDecision'), '/contactPolicy/maxActionsPerDecision', cp.maxActionsPerDecision);
    container.append(group(t('contactPolicy'), items, true));
  }
}

/** The kinds of funnel breakpoint the simulation knows (which incentive their conversions earn). */
const KINDS = ['lead', 'newClient', 'longTail'];

/** The label of an assumption key in the current language (the key itself when unknown). */
function akey(k) {
  if (has(`as_${k}`)) return t(`as_${k}`);
  return has(`ch_${k}`) ? t(`ch_${k}`) : k;
}

/**
 * The assumptions form: every value of the document editable, generated from its shape.
 * `onEdit()` runs after each change; `doc` is edited in place. `errors` maps a pointer to its
 * diagnostics (from the last INVALID_ASSUMPTIONS), shown beside the field.
 */
export function renderAssumptions(container, doc, onEdit, errors = new Map()) {
  container.replaceChildren();
  const esc = (k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1');
  const messages = (ptr) => (errors.get(ptr) ?? []).map((d) => d.message).join('; ');
  /** One editable value: obj[key], at pointer `ptr`. */
  const input = (obj, key, ptr) => {
    const v = obj[key];
    const set = (x) => {
      obj[key] = x;
      onEdit();
    };
    let e;
    if (typeof v === 'number') {
      e = el('input', { type: 'number', step: 'any', value: String(v) });
      e.addEventListener('input', () => Number.isFinite(e.valueAsNumber) && set(e.valueAsNumber));
    } else if (key === 'kind' && KINDS.includes(v)) {
      e = el('select');
      for (const k of KINDS) e.append(el('option', { value: k, text: t(`kind_${k}`), title: k, selected: k === v }));
      e.addEventListener('change', () => set(e.value));
    } else if (typeof v === 'boolean') {
      e = el('input', { type: 'checkbox', checked: v });
      e.addEventListener('change', () => set(e.checked));
    } else {
      e = el('input', { type: 'text', value: String(v ?? '') });
      e.addEventListener('input', () => set(e.value));
    }
    e.dataset.ptr = ptr;
    e.title = messages(ptr) || ptr;
    if (errors.has(ptr)) e.classList.add('invalid');
    return e;
  };
  const field = (obj, key, ptr, label) =>
    el('label', { class: 'arow', title: ptr }, el('span', { class: 'alabel', text: label }), input(obj, key, ptr), errors.has(ptr) ? el('span', { class: 'aerr', text: messages(ptr) }) : null);
  const errorsUnder = (ptr) =>
    [...errors.entries()].filter(([p]) => p === ptr || p.startsWith(`${ptr}/`)).map(([p, ds]) => el('p', { class: 'aerr', text: `${p}: ${ds.map((d) => d.message).join('; ')}` }));

  /** A list of records (e.g. the funnel breakpoints) as a table: one row each, nested {zh, en} as two columns. */
  const table = (list, ptr) => {
    const cols = [];
    const seen = new Set();
    for (const item of list) {
      for (const [k, x] of Object.entries(item)) {
        const paths = x && typeof x === 'object' && !Array.isArray(x) ? Object.keys(x).map((sk) => [k, sk]) : [[k]];
        for (const c of paths) if (!seen.has(c.join('/'))) seen.add(c.join('/')) && cols.push(c);
      }
    }
    const head = el('tr', {}, ...cols.map((c) => el('th', { text: c.map(akey).join(' · '), title: c.join('/') })));
    const rows = list.map((item, i) =>
      el(
        'tr',
        {},
        ...cols.map((c) => {
          const parent = c.length === 2 ? item[c[0]] : item;
          const key = c[c.length - 1];
          const ok = parent && typeof parent === 'object' && key in parent;
          return el('td', {}, ok ? input(parent, key, `${ptr}/${i}/${c.map(esc).join('/')}`) : null);
        }),
      ),
    );
    return el('div', { class: 'atable-wrap' }, el('table', { class: 'data atable' }, el('thead', {}, head), el('tbody', {}, ...rows)));
  };

  const walk = (obj, ptr, target) => {
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      const p = `${ptr}/${esc(key)}`;
      const label = Array.isArray(obj) ? `#${key}` : akey(key);
      if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
        target.append(el('fieldset', { class: 'agroup', 'data-ptr': p }, el('legend', { text: label }), table(v, p), ...errorsUnder(p)));
      } else if (v && typeof v === 'object') {
        const fs = el('fieldset', { class: 'agroup agrid', 'data-ptr': p }, el('legend', { text: label }));
        if (errors.has(p)) fs.append(el('span', { class: 'aerr', text: messages(p) }));
        walk(v, p, fs);
        target.append(fs);
      } else {
        target.append(field(obj, key, p, label));
      }
    }
  };
  if (errors.has('')) container.append(el('p', { class: 'aerr', text: messages('') }));
  walk(doc, '', container);
}
