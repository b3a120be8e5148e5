// Helpers every JavaScript-side engine shares, so each peer pays the same per-client work:
// datetime parsing, the domain operators of the rule format (days_since, count_events, ...),
// and the control-group hash. Semantics follow clientseg's (src/logic/eval.rs, src/hash.rs).

export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;

/** Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm). */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const digit = (s, i) => s.charCodeAt(i) - 48;
const two = (s, i) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * An RFC 3339 datetime (`2026-11-20T14:03:00+08:00`, `...Z`, optional fraction; without an
 * offset, `defaultOffsetMin` — the rule set's time zone) as epoch milliseconds; null when it is
 * not one. A hand-rolled parser: several times faster than `Date.parse`, and every JS engine here
 * uses it.
 */
export function parseTime(s, defaultOffsetMin = 480) {
  if (typeof s !== 'string' || s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 84) {
    return s == null || typeof s !== 'string' ? null : slowParse(s, defaultOffsetMin);
  }
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const se = two(s, 17);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      ms += digit(s, i) * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  let off = defaultOffsetMin;
  if (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 90 || c === 122) off = 0;
    else if (c === 43 || c === 45) off = (c === 45 ? -1 : 1) * (two(s, i + 1) * 60 + two(s, i + 4));
    else return null;
  }
  const t = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi - off) * 60_000 + se * 1000 + ms;
  return Number.isFinite(t) ? t : null;
}

function slowParse(s, defaultOffsetMin) {
  // A date alone is midnight in the rule set's time zone.
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    return daysFromCivil(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10)) * MS_PER_DAY - defaultOffsetMin * 60_000;
  }
  return null;
}

/** Fractional units since a datetime (string) until `now`; null when missing or not a datetime. */
export function since(v, now, unit) {
  if (v == null) return null;
  const t = typeof v === 'number' ? v : parseTime(v);
  return t == null ? null : (now - t) / unit;
}

/**
 * An event-window operator's spec, resolved once: `{type, withinDays?, where?, property?}`.
 * `pred(event)` is the engine's own evaluation of `where` (null: none).
 */
export function eventSpec(raw, pred = null) {
  return {
    type: raw.type,
    windowMs: raw.withinDays == null ? null : raw.withinDays * MS_PER_DAY,
    property: raw.property ?? null,
    pred,
  };
}

/** Events of the spec's type in (now - window .. now], passing `where`, in record order (oldest first). */
function* matching(events, spec, now) {
  if (!Array.isArray(events)) return;
  const from = spec.windowMs == null ? -Infinity : now - spec.windowMs;
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    if (e.type !== spec.type) continue;
    const at = parseTime(e.at);
    if (at == null || at < from || at > now) continue;
    if (spec.pred !== null && !spec.pred(e)) continue;
    yield e;
  }
}

export function countEvents(events, spec, now) {
  let n = 0;
  for (const _ of matching(events, spec, now)) n++;
  return n;
}

export function sumEvents(events, spec, now) {
  let s = 0;
  for (const e of matching(events, spec, now)) {
    const v = e[spec.property];
    if (typeof v === 'number') s += v;
  }
  return s;
}

const prop = (e, p) => (p == null ? parseTime(e.at) : (e[p] ?? null));

export function firstEvent(events, spec, now) {
  for (const e of matching(events, spec, now)) return prop(e, spec.property);
  return null;
}

export function lastEvent(events, spec, now) {
  let last = null;
  for (const e of matching(events, spec, now)) last = e;
  return last === null ? null : prop(last, spec.property);
}

/** `followed_by`: a `first` event later followed by `then` within `withinDays`, in the last `sinceDays`. */
export function followedBy(events, raw, now) {
  if (!Array.isArray(events)) return false;
  const from = raw.sinceDays == null ? -Infinity : now - raw.sinceDays * MS_PER_DAY;
  const within = raw.withinDays == null ? Infinity : raw.withinDays * MS_PER_DAY;
  let latestFirst = null;
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    if (e.type !== raw.first && e.type !== raw.then) continue;
    const at = parseTime(e.at);
    if (at == null || at < from || at > now) continue;
    if (e.type === raw.then && latestFirst !== null && at - latestFirst <= within) return true;
    if (e.type === raw.first) latestFirst = at;
  }
  return false;
}

// ---- the control-group draw: FNV-1a 64 + SplitMix64 finaliser, in 32-bit halves ----

// 64-bit arithmetic in two unsigned 32-bit halves, without allocating: results in HI/LO.
let HI = 0;
let LO = 0;

/** (ah:al) * (bh:bl) mod 2^64 into HI:LO. */
function mul64(ah, al, bh, bl) {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  // al * bl exactly: 32x32 -> 64 through 16-bit limbs.
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  LO = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536);
  HI = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

const FNV_PRIME_HI = 0x100;
const FNV_PRIME_LO = 0x1b3;

function fnvByte(b) {
  mul64(HI, (LO ^ b) >>> 0, FNV_PRIME_HI, FNV_PRIME_LO);
}

/** FNV-1a over the UTF-8 bytes of `s`, from HI:LO. */
function fnvString(s) {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x80) fnvByte(c);
    else {
      const n = c >= 0xd800 && c < 0xdc00 ? 2 : 1;
      for (const b of Buffer.from(s.slice(k, k + n))) fnvByte(b);
      k += n - 1;
    }
  }
}

/** FNV-1a state after each part followed by 0x1f (`hash_prefix` in src/hash.rs). */
export function hashPrefix(parts) {
  HI = 0xcbf29ce4;
  LO = 0x84222325;
  for (const p of parts) {
    fnvString(p);
    fnvByte(0x1f);
  }
  return [HI, LO];
}

/** The stable draw in [0, 1) of (prefix, client id): `holdout_draw_with` in src/hash.rs. */
export function holdoutDraw(prefix, id) {
  HI = prefix[0];
  LO = prefix[1];
  fnvString(id);
  // h ^= h >> 30
  mul64((HI ^ (HI >>> 30)) >>> 0, (LO ^ ((LO >>> 30) | (HI << 2))) >>> 0, 0xbf58476d, 0x1ce4e5b9);
  // h ^= h >> 27
  mul64((HI ^ (HI >>> 27)) >>> 0, (LO ^ ((LO >>> 27) | (HI << 5))) >>> 0, 0x94d049bb, 0x133111eb);
  // h ^= h >> 31; then (h >> 11) / 2^53
  const lo = (LO ^ ((LO >>> 31) | (HI << 1))) >>> 0;
  const hi = (HI ^ (HI >>> 31)) >>> 0;
  return (hi * 2 ** 21 + Math.floor(lo / 2048)) / 2 ** 53;
}

/** The same draw with BigInt, for the self-check only. */
export function holdoutDrawBig(parts) {
  const M = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const bytes = Buffer.from(parts.join('\x1f'));
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M;
  h ^= h >> 30n;
  h = (h * 0xbf58476d1ce4e5b9n) & M;
  h ^= h >> 27n;
  h = (h * 0x94d049bb133111ebn) & M;
  h ^= h >> 31n;
  return Number(h >> 11n) / 2 ** 53;
}
