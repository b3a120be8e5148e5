// The draft rule editor: a JSON textarea whose diagnostics (from the package's validateRules)
// are marked at their JSON pointer as you type, and the position map that lets the threshold
// form edit one literal in place without reformatting the document.

import { t } from './i18n.js';

/**
 * Parses JSON text and records where each value is: pointer → {keyStart, valueStart, valueEnd}
 * (keyStart = valueStart for array elements and the root). Throws {message, pos} on bad JSON.
 * Pure syntax; knows nothing about rules.
 */
export function parseWithPositions(text) {
  const spans = new Map();
  let i = 0;
  const fail = (message) => {
    throw Object.assign(new Error(message), { pos: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const esc = (k) => k.replaceAll('~', '~0').replaceAll('/', '~1');
  function string() {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function value(ptr, keyStart) {
    ws();
    const valueStart = i;
    let v;
    const c = text[i];
    if (c === '{') {
      v = {};
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          if (text[i] !== '"') fail('expected a key');
          const ks = i;
          const k = string();
          ws();
          if (text[i] !== ':') fail('expected ":"');
          i++;
          v[k] = value(`${ptr}/${esc(k)}`, ks);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === '}') {
            i++;
            break;
          } else fail('expected "," or "}"');
        }
      }
    } else if (c === '[') {
      v = [];
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        for (let n = 0; ; n++) {
          v.push(value(`${ptr}/${n}`));
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            break;
          } else fail('expected "," or "]"');
        }
      }
    } else if (c === '"') {
      v = string();
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
      if (!m) fail('unexpected character');
      i += m[0].length;
      v = JSON.parse(m[0]);
    }
    spans.set(ptr, { keyStart: keyStart ?? valueStart, valueStart, valueEnd: i });
    return v;
  }
  const root = value('');
  ws();
  if (i < text.length) fail('unexpected text after the document');
  return { value: root, spans };
}

/** 1-based line and column of an offset. */
export function lineCol(text, pos) {
  let line = 1;
  let last = -1;
  for (let k = 0; k < pos && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      last = k;
    }
  }
  return { line, col: pos - last };
}

const escapeHtml = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The text range a diagnostic's pointer names: the nearest ancestor present in the text. */
function rangeOf(spans, text, path) {
  let p = path ?? '';
  while (!spans.has(p) && p !== '') p = p.slice(0, p.lastIndexOf('/'));
  const s = spans.get(p);
  if (!s) return null;
  const container = text[s.valueStart] === '{' || text[s.valueStart] === '[';
  // A container is marked at its key (or opening bracket), a scalar with its key.
  return container
    ? { start: s.keyStart, end: s.keyStart === s.valueStart ? s.valueStart + 1 : s.valueStart }
    : { start: s.keyStart, end: s.valueEnd };
}

/**
 * A JSON textarea with diagnostics. `validate(text)` returns the package's diagnostics;
 * `onChange({text, value, diagnostics})` runs after each (debounced) validation, `value` being
 * the parsed document or null.
 */
export class JsonEditor {
  constructor({ textarea, backdrop, list, summary, validate, onChange, delay = 250 }) {
    Object.assign(this, { textarea, backdrop, list, summary, validate, onChange, delay });
    this.diagnostics = [];
    this.parsed = null;
    this.timer = 0;
    textarea.addEventListener('input', () => {
      this.paint([]);
      this.summary.textContent = t('validating');
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.check(), this.delay);
    });
    textarea.addEventListener('scroll', () => {
      backdrop.scrollTop = textarea.scrollTop;
      backdrop.scrollLeft = textarea.scrollLeft;
    });
  }

  get text() {
    return this.textarea.value;
  }

  /** Replaces the whole text and validates at once. */
  setText(text) {
    this.textarea.value = text;
    this.check();
  }

  /** Replaces the JSON value at `pointer` with `newValue`, keeping the rest of the text as it is. */
  replaceValue(pointer, newValue) {
    const s = this.parsed?.spans.get(pointer);
    if (!s) return false;
    const text = this.text;
    const { scrollTop, scrollLeft } = this.textarea;
    this.textarea.value = text.slice(0, s.valueStart) + JSON.stringify(newValue) + text.slice(s.valueEnd);
    this.textarea.scrollTop = scrollTop;
    this.textarea.scrollLeft = scrollLeft;
    this.check();
    return true;
  }

  /** Parses, validates, marks and reports. Synchronous: validation of a rule set takes milliseconds. */
  check() {
    clearTimeout(this.timer);
    const text = this.text;
    let syntaxError = null;
    try {
      this.parsed = parseWithPositions(text);
    } catch (e) {
      this.parsed = null;
      syntaxError = e;
    }
    this.diagnostics = this.validate(text);
    this.syntaxPos = syntaxError ? syntaxError.pos : null;
    this.paint(this.diagnostics);
    this.renderList();
    this.onChange?.({ text, value: this.parsed?.value ?? null, diagnostics: this.diagnostics });
  }

  /** The marked ranges of the current diagnostics. */
  ranges(diags) {
    const text = this.text;
    const out = [];
    for (const d of diags) {
      let r = null;
      if (this.parsed) r = rangeOf(this.parsed.spans, text, d.path);
      else if (d.code === 'invalid-json' && this.syntaxPos != null) {
        r = { start: Math.max(0, this.syntaxPos - 1), end: Math.min(text.length, this.syntaxPos + 1) };
      }
      if (r) out.push({ ...r, severity: d.severity, d });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  paint(diags) {
    const text = this.text;
    let html = '';
    let at = 0;
    for (const r of this.ranges(diags)) {
      const start = Math.max(r.start, at);
      if (r.end <= start) continue;
      html += escapeHtml(text.slice(at, start));
      html += `<mark class="${r.severity}">${escapeHtml(text.slice(start, r.end))}</mark>`;
      at = r.end;
    }
    // A trailing newline needs a character after it to take up its line in the backdrop.
    this.backdrop.innerHTML = html + escapeHtml(text.slice(at)) + ' ';
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
  }

  renderList() {
    const diags = this.diagnostics;
    const errors = diags.filter((d) => d.severity === 'error').length;
    this.summary.textContent = diags.length ? t('diagCount', { e: errors, w: diags.length - errors }) : t('diagOk');
    this.summary.className = errors ? 'diag-summary error' : diags.length ? 'diag-summary warning' : 'diag-summary ok';
    this.list.replaceChildren();
    const text = this.text;
    const ranges = new Map(this.ranges(diags).map((r) => [r.d, r]));
    for (const d of diags) {
      const li = document.createElement('li');
      li.className = d.severity;
      const r = ranges.get(d);
      const where = r ? ` (${t('line')} ${lineCol(text, r.start).line})` : '';
      const head = document.createElement('button');
      head.type = 'button';
      head.className = 'diag-go';
      head.textContent = `${d.severity}[${d.code}] ${d.path || '/'}${where}`;
      head.title = t('goTo');
      head.addEventListener('click', () => this.reveal(d));
      const msg = document.createElement('span');
      msg.textContent = ` ${d.message}${d.suggestion ? ` — ${d.suggestion}` : ''}`;
      li.append(head, msg);
      this.list.append(li);
    }
  }

  /** Selects the diagnostic's range in the textarea and scrolls it into view. */
  reveal(d) {
    const r = this.ranges([d])[0];
    if (!r) return;
    const ta = this.textarea;
    ta.focus();
    ta.setSelectionRange(r.start, r.end);
    const { line } = lineCol(this.text, r.start);
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
    ta.scrollTop = Math.max(0, (line - 4) * lineHeight);
    this.backdrop.scrollTop = ta.scrollTop;
  }

  repaintLanguage() {
    this.renderList();
  }
}
