// The JavaScript half of the boundary, imported by src/wasm/mod.rs (wasm-bindgen ships it with the
// package). `JSON.stringify` of a client and `JSON.parse` of its decision took most of the time of a
// single `decide()`; instead:
// - `encode`/`encodeMany` read only the declared fields of client objects (the rule set's encoder
//   plan names them: nothing else is looked at) and write them, tagged by JavaScript type, as the
//   bytes src/encoded.rs reads (its module docs describe the format);
// - `decision` builds the decision object from the numbers `Engine::outline` gives (see
//   `Codec::decision` in src/wasm/codec.rs), the rule set's id tables and, for a decision with
//   words, one string of the distinct texts `Engine::words` wrote;
// - `options` reads a single decision's options in one call.
// Anything unusual (a Date, a getter that throws, a lone surrogate) is written as OTHER, and the
// record then takes the JSON route, so results and diagnostics are exactly those of the full reader.
// Fields are read as properties (`client[field]`), so a value a prototype getter provides is read
// too, where `JSON.stringify` would see only own properties.

const ABSENT = 0;
const FALSE = 1;
const TRUE = 2;
const NUM = 3;
const TEXT = 4;
const LIST = 5;
const OTHER = 6;
const TIME = 7;
const SKIP = 0;
const ITEM = 1;

const utf8 = new TextEncoder();

/** A JSON object as `JSON.stringify` sees it: not null, not a list, no `toJSON` of its own. */
function plainObject(x) {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && typeof x.toJSON !== 'function';
}

/** No lone surrogate from `k` on: `JSON.stringify` escapes one, UTF-8 cannot hold it. */
function wellFormed(s, k) {
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = k + 1 < s.length ? s.charCodeAt(k + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) return false;
      k++;
    }
  }
  return true;
}

/** The digit at `s[k]` (0–9), or a number above 9 when it is not one (or missing). */
function digit(s, k) {
  return (s.charCodeAt(k) - 48) >>> 0;
}

/** Days before each month of a common year (1–12), and the days of each month. */
const DAYS_BEFORE = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days from 0000-01-01 to 1970-01-01 (proleptic Gregorian). */
const EPOCH_DAYS = 719528;

/**
 * `parse_common` of src/time.rs: the form nearly every datetime has, `YYYY-MM-DDTHH:MM:SS` then
 * `Z` or `±HH:MM`, every part in range → epoch milliseconds, exactly as wasm reads it; NaN for
 * anything else (which then crosses as text, for wasm to read or explain).
 */
export function commonTime(s) {
  let offset = 0;
  const len = s.length;
  const zone = s.charCodeAt(19);
  if (zone === 90 /* Z */ && len === 20) {
    offset = 0;
  } else if ((zone === 43 || zone === 45) /* + - */ && len === 25 && s.charCodeAt(22) === 58) {
    const h0 = digit(s, 20), h1 = digit(s, 21), m0 = digit(s, 23), m1 = digit(s, 24);
    if (h0 > 9 || h1 > 9 || m0 > 5 || m1 > 9) return NaN;
    const minutes = (h0 * 10 + h1) * 60 + m0 * 10 + m1;
    if (minutes > 18 * 60) return NaN;
    offset = zone === 45 ? -minutes : minutes;
  } else {
    return NaN;
  }
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return NaN;
  }
  const y0 = digit(s, 0), y1 = digit(s, 1), y2 = digit(s, 2), y3 = digit(s, 3);
  const mo0 = digit(s, 5), mo1 = digit(s, 6), d0 = digit(s, 8), d1 = digit(s, 9);
  const h0 = digit(s, 11), h1 = digit(s, 12), mi0 = digit(s, 14), mi1 = digit(s, 15), s0 = digit(s, 17), s1 = digit(s, 18);
  if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1) > 15) return NaN; // a non-digit
  if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || mo1 > 9 || d1 > 9 || h1 > 9 || mi0 > 5 || mi1 > 9 || s0 > 5 || s1 > 9) return NaN;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  if (month < 1 || month > 12 || day < 1 || hour > 23) return NaN;
  const leap = (year & 3) === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN[month])) return NaN;
  // The days before `year` (365 each, and one for each leap year among 0..year-1: the multiples
  // of 4, less those of 100, plus those of 400), before `month`, and before `day`: integer
  // arithmetic only (`days_from_civil` of src/time.rs gives the same, with divisions).
  const days =
    year * 365 + ((year + 3) >> 2) - (((year + 99) / 100) | 0) + (((year + 399) / 400) | 0) +
    DAYS_BEFORE[month] + (leap && month > 2 ? 1 : 0) + day - 1 - EPOCH_DAYS;
  const seconds = hour * 3600 + (mi0 * 10 + mi1) * 60 + s0 * 10 + s1;
  return days * 86400000 + seconds * 1000 - offset * 60000;
}

export class Codec {
  /**
   * `plan`: `{ fields, datetime: [whether each field is a datetime], events: [[type, [property,
   * ...]], ...] }`; `tables`: the id tables of decisions; `memory`: the wasm instance's memory,
   * where bytes and outlines are exchanged.
   */
  constructor(plan, tables, memory) {
    this.memory = memory;
    this.wasmBytes = new Uint8Array(0);
    this.wasmNumbers = new Float64Array(0);
    this.fields = plan.fields;
    this.datetime = plan.datetime;
    this.events = new Map(plan.events.map(([type, props], index) => [type, { index, props }]));
    this.tables = tables;
    /** Where the encoder writes: the region of wasm memory `fill` was given (`region`), or its
     * own bytes once that is full. */
    this.bytes = new Uint8Array(0);
    this.view = new DataView(this.bytes.buffer);
    this.region = { buffer: null, ptr: 0, cap: 0, bytes: this.bytes, view: this.view };
    this.n = 0;
    this.busy = false;
    this.lastId = '';
    this.nowText = '';
    this.deferredTexts = [];
    /** The last `now` text of `options`, and its reading. */
    this.nowSeen = undefined;
    this.nowSeenMs = NaN;
  }

  /**
   * One client → its bytes, written to wasm memory at `ptr` when they fit in `cap` (else `copy`
   * them once wasm has made room); returns their length, or -1 as `fill` says.
   */
  encode(client, ptr, cap) {
    return this.fill(() => this.record(client), ptr, cap);
  }

  /**
   * `list[start..end]` → the records, each preceded by its length (a record whose reading throws
   * is OTHER), written to wasm memory as by `encode`; returns their length, or -1 as `fill` says.
   */
  encodeMany(list, start, end, ptr, cap) {
    return this.fill(
      () => {
        for (let k = start; k < end; k++) {
          this.reserve(4);
          const at = this.n;
          this.n += 4;
          try {
            this.record(list[k]);
          } catch {
            this.n = at + 4;
            this.u8(OTHER);
          }
          this.view.setUint32(at, this.n - at - 4, true);
        }
      },
      ptr,
      cap,
    );
  }

  /**
   * The bytes `write` makes, written straight to wasm memory at `ptr` while they fit in `cap`
   * (and then to bytes of the encoder's own, which `copy` copies once wasm has made room); their
   * length, or -1 when the records take the JSON route instead: a getter threw (the JSON route
   * then reports what it throws), or called the engine again while a client was read (that inner
   * call would write over the bytes being made, or grow wasm memory away from under them). It
   * never throws: an exception crossing wasm would leave its buffers borrowed.
   */
  fill(write, ptr, cap) {
    if (this.busy) return -1;
    this.busy = true;
    const buffer = this.memory.buffer;
    try {
      const region = this.target(buffer, ptr, cap);
      this.n = 0;
      write();
      if (this.memory.buffer !== buffer) return -1;
      // Back within the region after a record that threw was taken out: copy them there now.
      if (this.bytes !== region.bytes && this.n <= cap) this.copy(ptr);
      return this.n;
    } catch {
      return -1;
    } finally {
      this.busy = false;
    }
  }

  /** Writes go to `cap` bytes of wasm memory at `ptr` (the views are kept while those stay). */
  target(buffer, ptr, cap) {
    let r = this.region;
    if (r.buffer !== buffer || r.ptr !== ptr || r.cap !== cap) {
      r = { buffer, ptr, cap, bytes: new Uint8Array(buffer, ptr, cap), view: new DataView(buffer, ptr, cap) };
      this.region = r;
    }
    this.bytes = r.bytes;
    this.view = r.view;
    return r;
  }

  /** The bytes of the last `encode` (from the encoder's own) to wasm memory at `ptr`. */
  copy(ptr) {
    if (this.wasmBytes.buffer !== this.memory.buffer) this.wasmBytes = new Uint8Array(this.memory.buffer);
    this.wasmBytes.set(this.bytes.subarray(0, this.n), ptr);
  }

  /** Room for `extra` more bytes: past the region (or the encoder's own bytes), in larger own bytes. */
  reserve(extra) {
    if (this.n + extra <= this.bytes.length) return;
    let size = Math.max(this.bytes.length * 2, 1 << 12);
    while (size < this.n + extra) size *= 2;
    const bytes = new Uint8Array(size);
    bytes.set(this.bytes.subarray(0, this.n));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  u8(b) {
    this.reserve(1);
    this.bytes[this.n++] = b;
  }

  record(c) {
    if (!plainObject(c)) {
      this.u8(OTHER);
      return;
    }
    const id = c.id;
    this.lastId = id;
    this.value(id);
    const fields = this.fields;
    const datetime = this.datetime;
    for (let k = 0; k < fields.length; k++) {
      const x = c[fields[k]];
      if (datetime[k]) this.time(x);
      else this.value(x);
    }
    const events = c.events;
    if (this.list(events)) for (let k = 0; k < events.length; k++) this.event(events[k]);
    const contacts = c.contacts;
    if (this.list(contacts)) for (let k = 0; k < contacts.length; k++) this.contact(contacts[k]);
  }

  /** The head of a list of items: whether its items follow. */
  list(items) {
    if (items === undefined || items === null) {
      this.u8(ABSENT);
      return false;
    }
    if (!Array.isArray(items)) {
      this.u8(OTHER);
      return false;
    }
    this.listHead(items.length);
    return true;
  }

  /** LIST and the count of the items that follow. */
  listHead(count) {
    this.reserve(5);
    this.bytes[this.n] = LIST;
    this.view.setUint32(this.n + 1, count, true);
    this.n += 5;
  }

  event(e) {
    if (!plainObject(e) || typeof e.type !== 'string') {
      this.u8(OTHER);
      return;
    }
    const def = this.events.get(e.type);
    if (def === undefined) {
      this.u8(SKIP);
      return;
    }
    this.reserve(3);
    this.bytes[this.n] = ITEM;
    this.view.setUint16(this.n + 1, def.index, true);
    this.n += 3;
    this.time(e.at);
    const props = def.props;
    for (let k = 0; k < props.length; k++) this.value(e[props[k]]);
  }

  contact(c) {
    if (!plainObject(c)) {
      this.u8(OTHER);
      return;
    }
    this.u8(ITEM);
    this.value(c.channel);
    this.value(c.outcome);
    this.time(c.at);
    this.value(c.action);
  }

  /** A value: a scalar, or a list of scalars (a list or object in a list is OTHER). */
  value(x) {
    if (typeof x === 'object' && x !== null && Array.isArray(x)) {
      this.listHead(x.length);
      for (let k = 0; k < x.length; k++) {
        const item = x[k];
        if (typeof item === 'object' && item !== null) this.u8(OTHER);
        else this.scalar(item);
      }
    } else {
      this.scalar(x);
    }
  }

  /** A datetime: in the common form as TIME (epoch ms), else as any value. */
  time(x) {
    if (typeof x === 'string') {
      const ms = commonTime(x);
      if (ms === ms) {
        this.reserve(9);
        this.bytes[this.n] = TIME;
        this.view.setFloat64(this.n + 1, ms, true);
        this.n += 9;
        return;
      }
    }
    this.value(x);
  }

  scalar(x) {
    switch (typeof x) {
      case 'string':
        this.text(x);
        return;
      case 'number':
        if (Number.isFinite(x)) {
          this.reserve(9);
          this.bytes[this.n] = NUM;
          // JSON writes -0 as 0.
          this.view.setFloat64(this.n + 1, x === 0 ? 0 : x, true);
          this.n += 9;
        } else {
          this.u8(ABSENT); // JSON writes NaN and ±Infinity as null
        }
        return;
      case 'boolean':
        this.u8(x ? TRUE : FALSE);
        return;
      case 'undefined':
        this.u8(ABSENT);
        return;
      default:
        this.u8(x === null ? ABSENT : OTHER);
    }
  }

  text(s) {
    const len = s.length;
    this.reserve(5 + 3 * len);
    const b = this.bytes;
    const at = this.n;
    let n = at + 5;
    let k = 0;
    for (; k < len; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) break;
      b[n++] = c;
    }
    if (k < len) {
      if (!wellFormed(s, k)) {
        b[at] = OTHER;
        this.n = at + 1;
        return;
      }
      n += utf8.encodeInto(k === 0 ? s : s.slice(k), b.subarray(n)).written;
    }
    b[at] = TEXT;
    this.view.setUint32(at + 1, n - at - 5, true);
    this.n = n;
  }

  /**
   * A single decision's options → `[now, flags]` at byte `ptr` of wasm memory: `now` in epoch ms,
   * or NaN when wasm must read it (text not in the common form, or no time at all: then the value
   * is returned, for wasm to read or explain); flags 1 `trace`, 2 `explain: false`, 4 `event` is text.
   */
  options(o, ptr) {
    let now;
    let flags = 0;
    if (typeof o === 'object' && o !== null) {
      now = o.now;
      if (o.trace) flags |= 1;
      if (o.explain === false) flags |= 2;
      if (typeof o.event === 'string') flags |= 4;
    }
    let ms = NaN;
    if (typeof now === 'string') {
      // An app passes the same text call after call: read it once.
      if (now !== this.nowSeen) this.nowSeenMs = commonTime((this.nowSeen = now));
      ms = this.nowSeenMs;
    } else if (typeof now === 'number' && Math.abs(now) <= Number.MAX_SAFE_INTEGER) ms = Math.trunc(now);
    else if (now instanceof Date && Number.isFinite(now.getTime())) ms = now.getTime();
    if (this.wasmNumbers.buffer !== this.memory.buffer) this.wasmNumbers = new Float64Array(this.memory.buffer);
    this.wasmNumbers[ptr / 8] = ms;
    this.wasmNumbers[ptr / 8 + 1] = flags;
    return ms === ms ? undefined : now;
  }

  /**
   * A decision object from its outline (`len` numbers at byte `ptr` of wasm memory, laid out by
   * `Codec::decision` in src/wasm/codec.rs), `now` (the decision instant as text) and `deferred`
   * (the texts of the instants actions are deferred to, joined by commas), each undefined when it
   * is the last decision's; `words`, the texts of the reasons' messages and the explanation one
   * after the other (undefined: a decision without words); `clientId`, undefined for the client
   * encoded last; and `trace`, its JSON text (undefined: no trace).
   */
  decision(now, deferred, words, clientId, trace, ptr, len) {
    if (now !== undefined) this.nowText = now;
    if (deferred !== undefined) this.deferredTexts = deferred === '' ? [] : deferred.split(',');
    // Read before any object is made: a setter on Object.prototype could call the engine.
    const { nowText, deferredTexts } = this;
    const id = clientId === undefined ? this.lastId : clientId;
    if (this.wasmNumbers.buffer !== this.memory.buffer) this.wasmNumbers = new Float64Array(this.memory.buffer);
    const d = this.wasmNumbers;
    const t = this.tables;
    let i = ptr / 8;
    let texts = null;
    if (words !== undefined) {
      texts = new Array(d[i++]);
      for (let k = 0, at = 0; k < texts.length; k++) {
        const end = at + d[i++];
        texts[k] = words.slice(at, end);
        at = end;
      }
    }
    const primary = d[i++];
    const tags = {};
    for (let n = d[i++]; n > 0; n--) {
      const tag = t.tags[d[i++]];
      const k = d[i++];
      tags[tag[0]] = tag[1] === null ? true : tag[1][k - 1];
    }
    const layers = [];
    for (let n = d[i++]; n > 0; n--) layers.push(t.layers[d[i++]]);
    const actions = [];
    for (let n = d[i++]; n > 0; n--) {
      const a = t.actions[d[i++]];
      const score = d[i++];
      // JSON writes a score that is not a finite number as null.
      const chosen = { id: a[0], sop: a[1], channel: a[2], content: a[3], score: Number.isFinite(score) ? score : null };
      const deferredUntil = d[i++];
      if (deferredUntil >= 0) chosen.deferredUntil = deferredTexts[deferredUntil];
      const fallbackFor = d[i++];
      if (fallbackFor >= 0) chosen.fallbackFor = t.actions[fallbackFor][0];
      actions.push(chosen);
    }
    const notChosen = [];
    for (let n = d[i++]; n > 0; n--) {
      const a = t.actions[d[i++]];
      const rejected = { id: a[0], sop: a[1], channel: a[2], reason: t.reasons[d[i++]] };
      if (texts !== null) {
        const message = words2(texts, d[i++], d[i++]);
        if (message !== undefined) rejected.message = message;
      }
      notChosen.push(rejected);
    }
    const controlGroups = [];
    for (let n = d[i++]; n > 0; n--) controlGroups.push(t.sops[d[i++]]);
    const rs = t.ruleSet;
    const decision = {
      clientId: id,
      ruleSet: { id: rs.id, version: rs.version, contentHash: rs.contentHash },
      now: nowText,
      tags,
      primaryLayer: primary < 0 ? null : t.layers[primary],
      layers,
      actions,
      notChosen,
      controlGroups,
    };
    if (texts !== null) {
      const explanation = words2(texts, d[i++], d[i++]);
      if (explanation !== undefined) decision.explanation = explanation;
    }
    if (trace !== undefined) decision.trace = JSON.parse(trace);
    return decision;
  }
}

/** `{ zh, en }` of two texts, or undefined when both are empty (JSON leaves such words out). */
function words2(texts, zh, en) {
  return texts[zh] === '' && texts[en] === '' ? undefined : { zh: texts[zh], en: texts[en] };
}

/** `value` when it is a `Uint8Array` (wasm copies its bytes), else undefined. */
export function uint8Bytes(value) {
  return value instanceof Uint8Array ? value : undefined;
}
