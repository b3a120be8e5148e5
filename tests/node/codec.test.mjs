// Client objects cross into wasm through the encoder (src/wasm/codec.js → src/encoded.rs) and
// decisions come back as numbers built into objects in JS. These tests hold both to the native
// engine (`cargo run --example decide` over the same clients as JSON) and to the JSON route: the
// same decisions, key order included, and the same errors with the same diagnostics, for ordinary
// clients and for every unusual value a JS object can hold.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Engine } from '../../pkg/node/index.mjs';
import { generatePopulation } from '../../pkg/node/simulation.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rules = JSON.parse(readFileSync(join(root, 'rules', 'internet-branch.json'), 'utf8'));
const now = '2026-11-25T10:00:00+08:00';
const engine = Engine.compile(rules);
const population = generatePopulation(3000, 42);
const ndjson = (clients) => new TextEncoder().encode(clients.map((c) => JSON.stringify(c) + '\n').join(''));

const scratch = mkdtempSync(join(tmpdir(), 'clientseg-codec-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The native engine's decisions for `clients` (as JSON text, one process for the list):
 * `options` `{ now, event, explain, trace, rules }` as `decide` takes them (`now` as text). The dev
 * profile reuses the build `cargo test` made; the optimisation level does not change a result.
 */
function native(clients, options = {}) {
  const file = join(scratch, 'rules.json');
  writeFileSync(file, JSON.stringify(options.rules ?? rules));
  const args = ['run', '--quiet', '--example', 'decide', '--', '--rules', file, '--now', options.now ?? now];
  if (options.event !== undefined) args.push('--event', options.event);
  if (options.explain === false) args.push('--no-explain');
  if (options.trace) args.push('--trace');
  const stdout = execFileSync('cargo', args, {
    cwd: root, input: ndjson(clients), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'],
  });
  return stdout.trim().split('\n').map((line) => JSON.parse(line));
}

/** The native decision for one client, as `decide(client, { explain: false, ...options })` gives it. */
function jsonRoute(client, options = {}) {
  return native([client], { explain: false, ...options })[0];
}

/** What `decide` throws, as `{ code, path, diagnostics }`, or null. */
function thrown(f) {
  try {
    f();
    return null;
  } catch (e) {
    return { code: e.code, path: e.path, diagnostics: e.diagnostics };
  }
}

/** A batch result with plain arrays, for comparison. */
function plain(r) {
  return {
    count: r.count,
    clientIds: r.clientIds,
    primaryLayer: [...r.primaryLayer],
    actionOffsets: [...r.actionOffsets],
    actions: [...r.actions],
    errors: r.errors,
  };
}

test('decisions built from numbers equal the native decisions, key order included', () => {
  let withActions = 0;
  const expected = native(population, { explain: false });
  for (const [k, c] of population.entries()) {
    const fast = engine.decide(c, { now, explain: false });
    const slow = expected[k];
    assert.deepStrictEqual(fast, slow, c.id);
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), c.id);
    if (fast.actions.length > 0) withActions++;
  }
  // The population reaches chosen actions, fallbacks' and every reason's paths.
  assert.ok(withActions > 500, `${withActions} clients with actions`);
});

test('decisions with words (the default) equal the native decisions, key order included', () => {
  const reasons = new Set();
  const expected = native(population);
  for (const [k, c] of population.entries()) {
    const fast = engine.decide(c, { now });
    const slow = expected[k];
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), c.id);
    assert.deepStrictEqual(fast, slow, c.id);
    assert.ok(fast.explanation.zh.includes(c.id) && fast.explanation.en.includes(c.id), c.id);
    for (const r of fast.notChosen) if (r.message) reasons.add(r.reason);
  }
  assert.ok(reasons.size >= 6, `messages of ${[...reasons]}`);
});

test('decisions with a trace equal the native decisions, the JSON route\'s too', () => {
  const clients = population.slice(0, 300);
  const expected = native(clients, { trace: true });
  for (const [k, c] of clients.entries()) {
    const fast = engine.decide(c, { now, trace: true });
    assert.equal(JSON.stringify(fast), JSON.stringify(expected[k]), c.id);
    assert.ok(fast.trace.length > 20, c.id);
    // A String id sends the record the JSON route, which the full reader reads.
    const viaJson = engine.decide({ ...c, id: new String(c.id) }, { now, trace: true });
    assert.equal(JSON.stringify(viaJson), JSON.stringify(expected[k]), c.id);
    assert.deepStrictEqual(viaJson, fast, c.id);
  }
});

test('an event with a trigger, epoch-millisecond and Date `now`: the same decisions', () => {
  const event = rules.actions.find((a) => a.triggers?.length)?.triggers[0];
  const clients = population.slice(0, 300);
  const [plainly, triggered] = [native(clients, { explain: false }), native(clients, { event, explain: false })];
  let differ = 0;
  for (const [k, c] of clients.entries()) {
    assert.deepStrictEqual(engine.decide(c, { now, event, explain: false }), triggered[k], c.id);
    for (const at of [Date.parse(now), new Date(now)]) {
      assert.deepStrictEqual(engine.decide(c, { now: at, explain: false }), plainly[k], c.id);
    }
    if (JSON.stringify(plainly[k]) !== JSON.stringify(triggered[k])) differ++;
  }
  assert.ok(differ > 0, 'the event changes some decisions');
});

test('deferred actions and scores JSON writes as null: the same decisions', () => {
  // Quiet hours defer actions: decisions at night carry `deferredUntil`, whose texts cross once
  // and are kept while they stay the same. Each instant in turn, so the kept texts change too.
  const nights = ['2026-11-25T23:30:00+08:00', '2026-11-26T02:00:00+08:00', '2026-11-25T18:45:00Z', now];
  let deferred = 0;
  const clients = population.slice(0, 400);
  const expected = new Map();
  for (const at of nights) for (const explain of [false, true]) expected.set(`${at} ${explain}`, native(clients, { now: at, explain }));
  for (const [k, c] of clients.entries()) {
    for (const at of nights) {
      for (const explain of [false, true]) {
        const fast = engine.decide(c, { now: at, explain });
        const slow = expected.get(`${at} ${explain}`)[k];
        assert.deepStrictEqual(fast, slow, `${c.id} at ${at}`);
        assert.equal(JSON.stringify(fast), JSON.stringify(slow));
        deferred += fast.actions.filter((a) => a.deferredUntil !== undefined).length;
      }
    }
  }
  assert.ok(deferred > 100, `${deferred} deferred actions`);
  // A score past the largest number is Infinity, which JSON writes as null.
  const huge = structuredClone(rules);
  const scored = huge.actions.find((a) => a.score);
  scored.score = { propensity: 1e300, value: 1e300 };
  scored.when = true;
  const wide = Engine.compile(huge);
  let infinite = 0;
  const few = population.slice(0, 200);
  for (const explain of [false, true]) {
    const expectedWide = native(few, { rules: huge, explain });
    for (const [k, c] of few.entries()) {
      const fast = wide.decide(c, { now, explain });
      assert.deepStrictEqual(fast, expectedWide[k], c.id);
      infinite += fast.actions.filter((a) => a.score === null).length;
    }
  }
  assert.ok(infinite > 0, 'a score of null');
});

test('decideBatch over objects equals decideBatch over the same clients as NDJSON', () => {
  const objects = plain(engine.decideBatch(population, { now }));
  const text = plain(engine.decideBatch(ndjson(population), { now }));
  assert.deepStrictEqual(objects, text);
  assert.equal(objects.count, population.length);
  // More than one encoder chunk (4,096 records).
  const many = Array.from({ length: 9000 }, (_, k) => population[k % population.length]);
  assert.deepStrictEqual(plain(engine.decideBatch(many, { now })), plain(engine.decideBatch(ndjson(many), { now })));
});

/** Unusual clients: each a change to an ordinary one, and whether JSON can write it. */
function unusual() {
  const base = () => structuredClone(population[7]);
  const cases = [];
  const add = (name, change) => {
    const c = base();
    change(c);
    cases.push([name, c]);
  };
  add('a numeric id', (c) => (c.id = 42));
  add('an empty id', (c) => (c.id = ''));
  add('no id', (c) => delete c.id);
  add('a Date in a datetime field', (c) => (c.registered_at = new Date('2026-10-01T08:00:00Z')));
  add('NaN and Infinity (JSON null)', (c) => Object.assign(c, { aum: NaN, cash_balance: Infinity }));
  add('negative zero', (c) => Object.assign(c, { aum: -0, logins_30d: -0 }));
  add('a fraction in an integer field', (c) => (c.trades_90d = 2.5));
  add('text in a number field', (c) => (c.aum = '100'));
  add('a number in a boolean field', (c) => (c.consent_push = 1));
  add('an unknown enum value', (c) => (c.risk_class = 'C9'));
  add('a bad datetime', (c) => (c.registered_at = '2026-13-01'));
  add('a missing required field', (c) => delete c.registered_at);
  add('null fields', (c) => Object.assign(c, { aum: null, risk_class: null, holdings: null }));
  add('undefined and function values', (c) => Object.assign(c, { aum: undefined, consent_sms: () => true }));
  add('an object in a declared field', (c) => (c.aum = { value: 3 }));
  add('a list in a list field with a number', (c) => (c.holdings = ['fund', 3]));
  add('a list in a list', (c) => (c.holdings = [['fund']]));
  add('Chinese text and emoji', (c) => Object.assign(c, { holdings: ['稳健理财', '😀 fund'], id: '客户-001' }));
  add('a lone surrogate', (c) => (c.holdings = ['bad \ud800 text']));
  add('a long text (buffer growth)', (c) => (c.holdings = ['x'.repeat(200000), 'y']));
  add('many events (buffer growth)', (c) => {
    c.events = Array.from({ length: 20000 }, (_, k) => ({ type: 'login', at: `2026-11-${String(1 + (k % 24)).padStart(2, '0')}T08:00:00+08:00` }));
  });
  add('events not a list', (c) => (c.events = 'login'));
  add('a null event', (c) => c.events.push(null));
  add('an event without type', (c) => c.events.push({ at: now }));
  add('an event with a numeric type', (c) => c.events.push({ type: 7, at: now }));
  add('an undeclared event type with junk', (c) => c.events.push({ type: 'chat', at: 'whenever', x: { y: 1 } }));
  add('an event property of the wrong type', (c) => c.events.push({ type: 'deposit', at: now, amount: '5' }));
  add('an event without at', (c) => c.events.push({ type: 'deposit', amount: 5 }));
  add('an event at as a Date', (c) => c.events.push({ type: 'login', at: new Date(Date.parse(now) - 3600e3) }));
  add('a contact with a bad channel', (c) => c.contacts = [{ channel: 'fax', at: now }]);
  add('a contact with a numeric outcome', (c) => c.contacts = [{ channel: 'push', outcome: 3, at: '2026-11-24T08:00:00+08:00', action: 'welcome_benefit_push' }]);
  add('a contact with a list outcome', (c) => c.contacts = [{ channel: 'push', outcome: ['x'], at: '2026-11-24T08:00:00+08:00' }]);
  add('a contact with an unknown outcome', (c) => c.contacts = [{ channel: 'push', outcome: 'liked', at: now }]);
  add('a contact with an unknown action', (c) => c.contacts = [{ channel: 'sms', action: 'nope', at: '2026-11-24T08:00:00+08:00' }]);
  add('contacts an object', (c) => (c.contacts = { channel: 'sms' }));
  add('a client with toJSON', (c) => (c.toJSON = () => ({ id: 'from-toJSON', registered_at: now })));
  add('an event with toJSON', (c) => c.events.push({ type: 'login', at: 'bad', toJSON: () => ({ type: 'login', at: now }) }));
  cases.push(['an array as the client', [1, 2]]);
  cases.push(['a string as the client', 'c1']);
  cases.push(['null as the client', null]);
  return cases;
}

test('unusual values: the same decision or the same error as through JSON', () => {
  const cases = unusual();
  const expected = native(cases.map(([, c]) => JSON.parse(JSON.stringify(c) ?? 'null')), { explain: false });
  for (const [k, [name, c]] of cases.entries()) {
    // The JSON route, for what JSON can write: NDJSON through the text reader.
    const text = JSON.stringify(c);
    const viaText = plain(engine.decideBatch(new TextEncoder().encode(text + '\n'), { now }));
    const viaObject = plain(engine.decideBatch([c], { now }));
    assert.deepStrictEqual(viaObject, viaText, name);
    const error = thrown(() => engine.decide(c, { now, explain: false }));
    if (viaText.errors.length > 0) {
      assert.equal(error?.code, 'INVALID_CLIENT', name);
      assert.deepStrictEqual(error.diagnostics, viaText.errors[0].errors, name);
    } else {
      assert.equal(error, null, name);
      const parsed = JSON.parse(text);
      assert.deepStrictEqual(engine.decide(c, { now, explain: false }), expected[k], name);
      assert.deepStrictEqual(engine.decide(c, { now }), engine.decide(parsed, { now }), name);
    }
  }
});

test('what JSON cannot write: a bad record is reported with its position, the rest are decided', () => {
  const cyclic = structuredClone(population[1]);
  cyclic.aum = {};
  cyclic.aum.self = cyclic.aum;
  const big = structuredClone(population[2]);
  big.aum = 10n;
  const throwing = structuredClone(population[3]);
  Object.defineProperty(throwing, 'aum', { enumerable: true, get() { throw new Error('no access'); } });
  const list = [population[0], cyclic, big, throwing, population[4]];
  const r = engine.decideBatch(list, { now });
  assert.equal(r.count, 2);
  assert.deepStrictEqual(r.clientIds, [population[0].id, population[4].id]);
  assert.deepStrictEqual(r.errors.map((e) => e.line), [2, 3, 4]);
  for (const e of r.errors) assert.equal(e.errors[0].code, 'invalid-json');
  assert.match(r.errors[2].errors[0].message, /no access/);
  for (const c of [cyclic, big, throwing]) {
    assert.equal(thrown(() => engine.decide(c, { now, explain: false }))?.code, 'INVALID_CLIENT');
  }
});

test('a client that outgrows the room wasm gave the encoder and then throws: the rest are decided', () => {
  // Its holdings fill more than the room wasm gave the encoder, so the encoder goes on in bytes
  // of its own; then its events throw, the record is taken out, and the bytes fit again.
  const huge = structuredClone(population[5]);
  huge.holdings = Array.from({ length: 300_000 }, (_, k) => `fund-${k}`);
  Object.defineProperty(huge, 'events', { enumerable: true, get() { throw new Error('events unavailable'); } });
  // The client after it is read once, by the encoder: its bytes reach wasm (the JSON route would
  // read it again).
  const after = structuredClone(population[7]);
  let reads = 0;
  const aum = after.aum;
  Object.defineProperty(after, 'aum', { enumerable: true, get: () => (reads++, aum) });
  const list = [population[6], huge, after];
  const r = engine.decideBatch(list, { now });
  assert.equal(reads, 1);
  assert.deepStrictEqual(r.clientIds, [population[6].id, population[7].id]);
  assert.deepStrictEqual(r.errors.map((e) => e.line), [2]);
  assert.match(r.errors[0].errors[0].message, /events unavailable/);
  const ok = plain(engine.decideBatch(ndjson([population[6], population[7]]), { now }));
  const got = plain(r);
  delete got.errors;
  delete ok.errors;
  assert.deepStrictEqual(got, ok);
});

test('undeclared fields are never read: cycles, BigInts and throwing getters there do not matter', () => {
  const c = structuredClone(population[5]);
  c.notes = {};
  c.notes.self = c.notes;
  c.score = 10n;
  Object.defineProperty(c, 'secret', { enumerable: true, get() { throw new Error('read an undeclared field'); } });
  const d = engine.decide(c, { now, explain: false });
  assert.equal(d.clientId, population[5].id);
  assert.deepStrictEqual(d, jsonRoute(population[5]));
  assert.equal(engine.decideBatch([c], { now }).count, 1);
});

test('datetimes the encoder reads in JS are read exactly as wasm reads them', async () => {
  const snippet = readdirSync(join(root, 'pkg', 'web', 'snippets'), { recursive: true }).find((f) => f.endsWith('codec.js'));
  const { commonTime } = await import(join(root, 'pkg', 'web', 'snippets', snippet));
  const pad = (n, w) => String(n).padStart(w, '0');
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n); // the high bits: an LCG's low bits repeat

  };
  const strings = [
    '2026-11-25T10:00:00+08:00', '2024-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T12:00:00-05:30',
    '0000-01-01T00:00:00Z', '0099-03-01T00:00:00Z', '9999-12-31T23:59:59+18:00', '2026-01-01T00:00:00+18:01',
    '2026-01-01T00:00:00+19:00', '2026-01-01T24:00:00Z', '2026-01-01T23:59:60Z', '2026-01-01T23:60:00Z',
    '2026-00-10T00:00:00Z', '2026-13-10T00:00:00Z', '2026-04-31T00:00:00Z', '2026-04-00T00:00:00Z',
    '2026-11-25t10:00:00Z', '2026-11-25T10:00:00z', '2026-11-25 10:00:00Z', '2026-11-25T10:00:00',
    '2026-11-25T10:00:00.250Z', '2026-11-25T10:00:00+0800', '2026-11-25T10:00:00+08:00 ', ' 2026-11-25T10:00:00Z',
    '２０２６-11-25T10:00:00Z', '2026-11-25', '2026-11-25T10:00Z', '+02026-11-25T10:00:00Z', '',
  ];
  for (let k = 0; k < 3000; k++) {
    const zone = rand(3) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${pad(rand(20), 2)}:${pad(rand(62), 2)}`;
    strings.push(`${pad(rand(10000), 4)}-${pad(rand(14), 2)}-${pad(rand(33), 2)}T${pad(rand(25), 2)}:${pad(rand(61), 2)}:${pad(rand(61), 2)}${zone}`);
  }
  const base = population.find((c) => c.registered_at && !c.applied_at);
  let taken = 0;
  for (const s of strings) {
    const ms = commonTime(s);
    if (!Number.isNaN(ms)) {
      taken++;
      // ECMAScript's own reading of the same ISO 8601 text agrees.
      assert.equal(ms, Date.parse(s), s);
    }
    const client = { ...base, registered_at: s, events: [{ type: 'login', at: s }] };
    const viaText = plain(engine.decideBatch(ndjson([client]), { now }));
    assert.deepStrictEqual(plain(engine.decideBatch([client], { now })), viaText, s);
    // The trace shows the datetime as wasm stored it; a String id sends the record the JSON route.
    const viaObject = thrown(() => engine.decide(client, { now, trace: true })) ?? engine.decide(client, { now, trace: true });
    const viaJson = thrown(() => engine.decide({ ...client, id: new String(client.id) }, { now, trace: true }))
      ?? engine.decide({ ...client, id: new String(client.id) }, { now, trace: true });
    assert.deepStrictEqual(viaObject, viaJson, s);
  }
  assert.ok(taken > 300, `${taken} of ${strings.length} read in JS`);
  // Every year's leap day and the day after it: the day count is the encoder's own arithmetic.
  for (let y = 0; y <= 9999; y++) {
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const feb29 = commonTime(`${pad(y, 4)}-02-29T12:00:00Z`);
    assert.equal(Number.isNaN(feb29), !leap, `${y}-02-29`);
    if (leap) assert.equal(feb29, Date.parse(`${pad(y, 4)}-02-29T12:00:00Z`), `${y}-02-29`);
    for (const md of ['01-01', '02-28', '03-01', '12-31']) {
      const t = `${pad(y, 4)}-${md}T23:59:59-01:30`;
      assert.equal(commonTime(t), Date.parse(t), t);
    }
  }
});

test('a getter that calls the engine while the client is read: both decisions are right', () => {
  const inner = population[11];
  let innerDecision = null;
  const c = structuredClone(population[12]);
  const aum = c.aum;
  Object.defineProperty(c, 'aum', {
    enumerable: true,
    get() {
      innerDecision = engine.decide(inner, { now, explain: false });
      engine.decideBatch([inner, inner], { now });
      return aum;
    },
  });
  assert.deepStrictEqual(engine.decide(c, { now, explain: false }), jsonRoute(population[12]));
  assert.deepStrictEqual(innerDecision, jsonRoute(inner));
  const batch = plain(engine.decideBatch([population[0], c, population[1]], { now }));
  assert.deepStrictEqual(batch, plain(engine.decideBatch(ndjson([population[0], population[12], population[1]]), { now })));
});

test('a getter that grows wasm memory while the client is read: the decisions are right', () => {
  // The encoder writes straight into wasm memory; a call that grows it moves that memory away.
  const c = structuredClone(population[13]);
  const held = c.consent_sms;
  let calls = 0;
  Object.defineProperty(c, 'consent_sms', {
    enumerable: true,
    get() {
      // Blank lines, 32 MB more at each read than at the last: wasm memory grows to take them in.
      engine.decideBatch(' '.repeat((32 << 20) * ++calls), { now });
      return held;
    },
  });
  assert.deepStrictEqual(engine.decide(c, { now, explain: false }), jsonRoute(population[13]));
  const batch = plain(engine.decideBatch([population[0], c, population[1]], { now }));
  assert.deepStrictEqual(batch, plain(engine.decideBatch(ndjson([population[0], population[13], population[1]]), { now })));
});

test('options read in JS: every form of now, and the flags, as wasm reads them', () => {
  const c = population[3];
  const ms = Date.parse(now);
  const same = (options, reference) => assert.deepStrictEqual(engine.decide(c, options), engine.decide(c, reference), JSON.stringify(options));
  same({ now: ms + 0.9, explain: false }, { now: new Date(ms), explain: false });
  same({ now: -0, explain: false }, { now: '1970-01-01T00:00:00Z', explain: false });
  same({ now: '2026-11-25T10:00:00', explain: false }, { now, explain: false }); // the rule set's time zone (+08:00)
  same({ now: '2026-11-25T02:00:00.000Z', explain: false }, { now, explain: false });
  same({ now: 1e300, explain: false }, { now: 2 ** 63, explain: false }); // beyond ±2^53: read in wasm (saturates)
  same({ now, explain: 'false' }, { now }); // only `false` leaves the words out
  same({ now, trace: 1, explain: false }, { now, trace: true, explain: false });
  same({ now, event: 42, explain: false }, { now, explain: false }); // an event that is not text is none
  for (const bad of [{ now: NaN }, { now: new Date(NaN) }, { now: '2026-13-01' }, {}, null, undefined, () => ({ now })]) {
    const e = thrown(() => engine.decide(c, bad));
    assert.equal(e?.code, 'INVALID_OPTIONS', String(bad));
    assert.equal(e.path, 'now');
  }
});

test('a getter of the options that calls the engine: both decisions are right', () => {
  const inner = population[21];
  let innerDecision = null;
  const options = {
    explain: false,
    get now() {
      innerDecision = engine.decide(inner, { now, explain: false });
      return now;
    },
  };
  assert.deepStrictEqual(engine.decide(population[22], options), jsonRoute(population[22]));
  assert.deepStrictEqual(innerDecision, jsonRoute(inner));
});
