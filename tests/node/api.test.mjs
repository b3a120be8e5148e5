// The package's JavaScript API in Node: import and require, thrown errors with codes, the
// privacy manifest, plain JsonLogic; the seeded population and the what-if simulation from the
// package's second module (`clientseg/simulation`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as esm from '../../pkg/node/index.mjs';
import * as sim from '../../pkg/node/simulation.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rules = JSON.parse(readFileSync(join(root, 'rules', 'internet-branch.json'), 'utf8'));
const require = createRequire(import.meta.url);
const now = '2026-11-25T10:00:00+08:00';

const CORE_API = ['Engine', 'validateRules', 'applyLogic', 'version', 'schemaVersion'];
const SIMULATION_ONLY = ['Simulation', 'generatePopulation', 'generatePopulationNdjson', 'syntheticClient'];

test('import and require expose the same API; the simulation module adds the simulation and the population', () => {
  const cjs = require('../../pkg/node/clientseg.js');
  for (const name of CORE_API) {
    assert.equal(typeof esm[name], 'function', name);
    assert.equal(cjs[name], esm[name], name);
  }
  // The core module, the one apps load, carries neither the simulation nor the population generator.
  for (const name of SIMULATION_ONLY) {
    assert.equal(esm[name], undefined, name);
    assert.equal(cjs[name], undefined, name);
  }
  const simCjs = require('../../pkg/node/clientseg_simulation.js');
  for (const name of [...CORE_API, ...SIMULATION_ONLY]) {
    assert.equal(typeof sim[name], 'function', name);
    assert.equal(simCjs[name], sim[name], name);
  }
  assert.equal(esm.schemaVersion(), 1);
  assert.match(esm.version(), /^\d+\.\d+\.\d+/);
  assert.equal(sim.version(), esm.version());
});

test('the core and the simulation module decide alike', () => {
  const core = esm.Engine.compile(rules);
  const full = sim.Engine.compile(rules);
  assert.deepEqual(full.info(), core.info());
  for (const client of sim.generatePopulation(100, 3, now)) {
    assert.deepEqual(full.decide(client, { now, trace: true }), core.decide(client, { now, trace: true }));
  }
  const bytes = sim.generatePopulationNdjson(300, 4, now);
  assert.deepEqual(full.decideBatch(bytes, { now }), core.decideBatch(bytes, { now }));
});

test('decide returns the decision with reasons and an explanation', () => {
  const engine = esm.Engine.compile(rules);
  const client = {
    id: 'c0000042', registered_at: '2026-11-01T09:00:00+08:00', applied_at: '2026-11-02T09:00:00+08:00',
    account_opened_at: '2026-11-03T09:00:00+08:00', logins_30d: 9, consent_push: true, personalised_ok: true,
  };
  const d = engine.decide(client, { now, trace: true });
  assert.equal(d.clientId, 'c0000042');
  assert.equal(d.primaryLayer, 'high_potential_new');
  assert.ok(d.actions.length >= 1);
  assert.ok(d.notChosen.every((r) => typeof r.reason === 'string' && r.message.zh && r.message.en));
  assert.ok(d.explanation.en.startsWith('Client c0000042 is in layer'));
  assert.ok(Array.isArray(d.trace) && d.trace.length > 0);
  // `now` as epoch milliseconds or a Date gives the same decision.
  const ms = Date.parse(now);
  assert.deepEqual(engine.decide(client, { now: ms }).actions, d.actions);
  assert.deepEqual(engine.decide(client, { now: new Date(ms) }).actions, d.actions);
});

test('invalid rules throw an Error with code and every diagnostic', () => {
  const bad = structuredClone(rules);
  bad.tags[0].wehn = true;
  bad.tags[1].when = { '>=': [{ var: 'aum_cny' }, 1] };
  assert.throws(() => esm.Engine.compile(bad), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'INVALID_RULES');
    const codes = e.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('unknown-key'), codes.join());
    assert.equal(typeof e.path, 'string');
    return true;
  });
  assert.throws(() => esm.Engine.compile('{ not json'), (e) => e.code === 'INVALID_RULES' && /line 1/.test(e.diagnostics[0].message));
  const diags = esm.validateRules('[[[[');
  assert.equal(diags[0].code, 'invalid-json');
  assert.deepEqual(esm.validateRules(rules), []);
});

test('bad clients and options throw coded errors; the engine keeps working', () => {
  const engine = esm.Engine.compile(rules);
  assert.throws(() => engine.decide({ id: 'c1', aum: 'lots' }, { now }), (e) => {
    assert.equal(e.code, 'INVALID_CLIENT');
    assert.equal(e.path, '/aum');
    assert.equal(e.diagnostics[0].code, 'wrong-type');
    return true;
  });
  assert.throws(() => engine.decide({ id: 'c1' }, {}), (e) => e.code === 'INVALID_OPTIONS' && e.path === 'now');
  assert.throws(() => engine.decide({ id: 'c1' }, { now: '2026-13-01' }), (e) => e.code === 'INVALID_OPTIONS');
  assert.throws(() => engine.decide(42, { now }), (e) => e.code === 'INVALID_CLIENT');
  assert.equal(engine.decide({ id: 'c1' }, { now }).clientId, 'c1');
});

test('info is the privacy manifest', () => {
  const info = esm.Engine.compile(rules).info();
  assert.equal(info.id, 'internet-branch');
  assert.match(info.contentHash, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(info.fields.map((f) => f.id), rules.fields.map((f) => f.id));
  assert.ok(info.fields.every((f) => typeof f.purpose === 'string' && typeof f.sensitive === 'boolean'));
  // The hash is of the canonical document: a JSON string with other spacing hashes the same.
  assert.equal(esm.Engine.compile(JSON.stringify(rules, null, 2)).info().contentHash, info.contentHash);
});

test('applyLogic is plain JsonLogic', () => {
  assert.equal(esm.applyLogic({ '<': [{ var: 'age' }, 30] }, { age: 25 }), true);
  assert.equal(esm.applyLogic({ cat: ['ice', 'cream'] }), 'icecream');
  assert.throws(() => esm.applyLogic({ nope: [1] }, {}), (e) => e.code === 'INVALID_LOGIC');
});

test('numbers cross as JSON.parse reads them: every double comes back as it went', () => {
  // The data crosses as JSON text (JSON.stringify), is read by the package's JSON reader and comes
  // back as JSON text: random bit patterns (all magnitudes, subnormals, -0) and edge values.
  const bits = new BigUint64Array(1);
  const x = new Float64Array(bits.buffer);
  let seed = 0x9e3779b97f4a7c15n;
  const values = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.30000000000000004, 9007199254740993, 2 ** 64, -(2 ** 63), 1e21, 1e-7];
  for (let i = 0; i < 20000; i++) {
    seed ^= (seed << 13n) & 0xffffffffffffffffn;
    seed ^= seed >> 7n;
    seed ^= (seed << 17n) & 0xffffffffffffffffn;
    bits[0] = seed;
    if (Number.isFinite(x[0])) values.push(x[0]);
  }
  for (const v of values) {
    // JSON.stringify writes -0 as 0; everything else must come back with the same bits.
    const want = JSON.parse(JSON.stringify(v));
    assert.ok(Object.is(esm.applyLogic({ var: 'x' }, { x: v }), want), String(v));
  }
});

test('the synthetic population in wasm is byte for byte the native one (synth::GOLDEN_DIGEST_1000_42)', () => {
  // FNV-1a (64-bit) over the NDJSON of 1,000 clients, seed 42, the default now: the constant the
  // native unit test asserts; and the same clients as objects.
  const bytes = sim.generatePopulationNdjson(1000, 42, now);
  assert.ok(bytes instanceof Uint8Array);
  const lines = new TextDecoder().decode(bytes).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, sim.generatePopulation(1000, 42, now));
  let h = 0xcbf29ce484222325n;
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const golden = readFileSync(join(root, 'src', 'synth.rs'), 'utf8').match(/GOLDEN_DIGEST_1000_42: u64 = 0x([0-9a-f_]+);/)[1].replaceAll('_', '');
  assert.equal(h.toString(16).padStart(16, '0'), golden);
});

test('generatePopulation is seeded and deterministic', () => {
  const a = sim.generatePopulation(50, 42);
  const b = sim.generatePopulation(50, 42);
  assert.equal(a.length, 50);
  assert.deepEqual(a, b);
  assert.notDeepEqual(sim.generatePopulation(50, 43), a);
  const engine = esm.Engine.compile(rules);
  for (const c of a) assert.equal(engine.decide(c, { now }).clientId, c.id);
});

test('decideBatch decides NDJSON in one call, with compact results and per-line errors', () => {
  const engine = esm.Engine.compile(rules);
  const clients = sim.generatePopulation(300, 7);
  const lines = clients.map((c) => JSON.stringify(c));
  lines[5] = '{"id": "broken",';
  lines[9] = JSON.stringify({ ...clients[9], aum: 'lots' });
  const bytes = new TextEncoder().encode(lines.join('\n'));
  const out = engine.decideBatch(bytes, { now });
  assert.equal(out.count, 298);
  assert.ok(out.primaryLayer instanceof Int32Array && out.actions instanceof Uint16Array);
  assert.equal(out.actionOffsets.length, out.count + 1);
  assert.deepEqual(out.errors.map((e) => [e.line, e.errors[0].code]), [[6, 'invalid-json'], [10, 'wrong-type']]);
  // Each record's compact decision equals its single decision.
  const byId = new Map(clients.map((c) => [c.id, c]));
  for (let k = 0; k < out.count; k++) {
    const single = engine.decide(byId.get(out.clientIds[k]), { now });
    const layer = out.primaryLayer[k] < 0 ? null : out.layerIds[out.primaryLayer[k]];
    assert.equal(layer, single.primaryLayer);
    const acts = Array.from(out.actions.subarray(out.actionOffsets[k], out.actionOffsets[k + 1]), (a) => out.actionIds[a]);
    assert.deepEqual(acts, single.actions.map((a) => a.id));
  }
  // The same as a string, and as an array of objects.
  assert.deepEqual(engine.decideBatch(lines.join('\n'), { now }).clientIds, out.clientIds);
  assert.equal(engine.decideBatch(clients, { now }).count, 300);
  assert.throws(() => engine.decideBatch(42, { now }), (e) => e.code === 'INVALID_INPUT');
});

test('decideBatch reads CSV with format "csv"; csvClient reads one row as the client it stands for', () => {
  const engine = esm.Engine.compile(rules);
  const csv = 'id,account_opened_at,logins_30d,consent_push,personalised_ok,aum,holdings\n'
    + 'c1,2026-11-03T09:00:00+08:00,9,true,yes,5000,fund|stock\n'
    + 'c2,2026-11-03T09:00:00+08:00,9,true,yes,lots,\n'
    + 'c3,2026-11-03T09:00:00+08:00,0,false,no,120000.5,"[""fund""]"\n';
  const out = engine.decideBatch(new TextEncoder().encode(csv), { now, format: 'csv' });
  assert.deepEqual(out.clientIds, ['c1', 'c3']);
  assert.deepEqual(out.errors.map((e) => [e.line, e.clientId, e.errors[0].path]), [[3, 'c2', '/aum']]);
  const client = engine.csvClient(csv.split('\n').slice(0, 2).join('\n'));
  assert.deepEqual(client, {
    id: 'c1', account_opened_at: '2026-11-03T09:00:00+08:00', logins_30d: 9, consent_push: true,
    personalised_ok: true, aum: 5000, holdings: ['fund', 'stock'],
  });
  const single = engine.decide(client, { now });
  assert.equal(out.layerIds[out.primaryLayer[0]], single.primaryLayer);
  assert.throws(() => engine.decideBatch(csv, { now, format: 'xlsx' }), (e) => e.code === 'INVALID_OPTIONS' && e.path === 'format');
  assert.throws(() => engine.csvClient('id,aum'), (e) => e.code === 'INVALID_INPUT');
});

test('Simulation: chunks split anywhere give the one-shot report; bad rules and assumptions throw with where', () => {
  const assumptions = JSON.parse(readFileSync(join(root, 'rules', 'internet-branch.simulation.json'), 'utf8'));
  const draft = structuredClone(rules);
  draft.contactPolicy.channels.sms.max = 0;
  const pop = sim.generatePopulation(400, 9, now);
  pop[17] = { id: 'bad', aum: 'lots' };
  const bytes = new TextEncoder().encode(pop.map((c) => JSON.stringify(c)).join('\n'));
  const one = new sim.Simulation(rules, draft, { now, assumptions });
  one.addNdjson(bytes);
  assert.deepEqual(one.finish(), { clients: 399, rejected: 1 });
  const chunked = new sim.Simulation(JSON.stringify(rules), draft, { now, assumptions: JSON.stringify(assumptions) });
  for (let at = 0; at < bytes.length; at += 7_777) chunked.addNdjson(bytes.subarray(at, at + 7_777));
  chunked.finish();
  const report = one.report();
  assert.deepEqual(chunked.report(), report);
  assert.equal(report.errors[0].line, 18);
  assert.equal(report.draft.actionsByChannel.sms ?? 0, 0);
  assert.ok(report.published.actionsByChannel.sms > 0);
  assert.equal(report.transitions.counts.flat().reduce((a, b) => a + b, 0), 399);

  const synthetic = new sim.Simulation(rules, rules, { now, assumptions });
  synthetic.addSynthetic(0, 150, 9);
  assert.deepEqual(synthetic.addSynthetic(150, 250, 9), { clients: 400, rejected: 0 });
  assert.equal(JSON.stringify(sim.syntheticClient(17, 9, now)), JSON.stringify(sim.generatePopulation(400, 9, now)[17]));
  assert.equal(synthetic.report().clientsChangingLayer, 0);

  // Split between workers: each part's counts, merged in order, give the one-shot report;
  // the bad line keeps its number in the whole file.
  const cut = bytes.indexOf(10, bytes.length >> 1) + 1;
  const head = new sim.Simulation(rules, draft, { now, assumptions });
  const tail = new sim.Simulation(rules, draft, { now, assumptions });
  head.addNdjson(bytes.subarray(0, cut));
  tail.addNdjson(bytes.subarray(cut));
  const counts = tail.partial();
  assert.ok(counts instanceof Uint8Array);
  head.merge(counts);
  assert.deepEqual(head.report(), report);
  assert.throws(() => synthetic.merge(counts), (e) => e.code === 'INVALID_PARTIAL' && /another simulation/.test(e.message));
  assert.throws(() => head.merge(counts.subarray(0, 20)), (e) => e.code === 'INVALID_PARTIAL');
  assert.throws(() => tail.continueCsv('aum,aum'), (e) => e.code === 'INVALID_INPUT' && e.diagnostics.length === 1);

  const broken = structuredClone(rules);
  broken.layers[0].when = { var: 'no_such_field' };
  assert.throws(() => new sim.Simulation(rules, broken, { now, assumptions }),
    (e) => e.code === 'INVALID_RULES' && e.side === 'draft' && e.diagnostics.length > 0);
  assert.throws(() => new sim.Simulation(rules, rules, { now, assumptions: { ...assumptions, executionShare: 2 } }),
    (e) => e.code === 'INVALID_ASSUMPTIONS' && e.path === '/executionShare');
  assert.throws(() => new sim.Simulation(rules, rules, { now }), (e) => e.code === 'INVALID_OPTIONS' && e.path === 'assumptions');
  assert.throws(() => synthetic.addSynthetic(0, 1, -1), (e) => e.code === 'INVALID_OPTIONS');
});

test('decide with explain: false is the same decision without the words', () => {
  const engine = esm.Engine.compile(rules);
  for (const client of sim.generatePopulation(200, 5, now)) {
    const full = engine.decide(client, { now });
    const lean = engine.decide(client, { now, explain: false });
    assert.equal(lean.explanation, undefined);
    assert.ok(lean.notChosen.every((r) => r.message === undefined));
    assert.ok(full.notChosen.every((r) => r.message.zh && r.message.en));
    const { explanation, notChosen, ...rest } = full;
    const { explanation: none, notChosen: leanNotChosen, ...leanRest } = lean;
    assert.deepEqual(leanRest, rest);
    assert.deepEqual(leanNotChosen, notChosen.map(({ message, ...r }) => r));
  }
});
