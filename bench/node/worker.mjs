// One engine, one workload, in its own process (so engines do not share a JIT or a heap).
// `node worker.mjs '{"engine": "...", "workload": "...", ...}'` prints one JSON line with the result.
//
// Workloads (see bench/README.md):
//   verify  decide the first `count` clients; write each canonical decision to `out`; and the W2 aggregate
//   W1      clients already in memory as JS objects → decisions (clients/s per run)
//   W2      NDJSON bytes → the aggregate report (layers, actions, clients without action); clients/s
//   W3      one decision at a time, including the boundary: per-call latency (µs), median per run
//   W4      cold start: import + compile the rules + first decision, in this fresh process (ms)
//   W5      peak memory: NDJSON of `count` clients held in memory as bytes → the aggregate report

const T0 = performance.now();
const args = JSON.parse(process.argv[2]);
const { engine: engineName, workload } = args;

import { readFileSync, writeFileSync } from 'node:fs';

function lineRanges(buf, count = Infinity) {
  const out = [];
  let start = 0;
  while (start < buf.length && out.length < count) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end > start) out.push([start, end]);
    start = end + 1;
  }
  return out;
}

/** The first `count` lines of an NDJSON file as bytes (a copy, so the rest can be freed). */
function ndjsonPrefix(path, count) {
  const all = readFileSync(path);
  const r = lineRanges(all, count);
  const end = r.length ? r[r.length - 1][1] + 1 : 0;
  return { bytes: Buffer.from(all.subarray(0, Math.min(end, all.length))), n: r.length };
}

function parseClients(path, count) {
  const { bytes } = ndjsonPrefix(path, count);
  return lineRanges(bytes).map(([s, e]) => JSON.parse(bytes.toString('utf8', s, e)));
}

function newTally() {
  return { clients: 0, noAction: 0, layers: {}, actions: {} };
}

function tallyOne(t, layer, actions) {
  t.clients++;
  t.layers[layer] = (t.layers[layer] ?? 0) + 1;
  if (actions.length === 0) t.noAction++;
  for (const a of actions) t.actions[a] = (t.actions[a] ?? 0) + 1;
}

/** A tally with sorted keys, for comparing engines. */
function canonicalTally(t) {
  const sort = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ clients: t.clients, noAction: t.noAction, layers: sort(t.layers), actions: sort(t.actions) });
}

/** clientseg's compact batch result into the tally. */
function tallyBatch(t, r) {
  const layerIds = r.layerIds;
  const actionIds = r.actionIds;
  const pl = r.primaryLayer;
  const off = r.actionOffsets;
  const acts = r.actions;
  const layerCounts = new Array(layerIds.length).fill(0);
  const actionCounts = new Array(actionIds.length).fill(0);
  let none = 0;
  for (let k = 0; k < r.count; k++) {
    layerCounts[pl[k]]++;
    if (off[k] === off[k + 1]) none++;
  }
  for (let j = 0; j < acts.length; j++) actionCounts[acts[j]]++;
  t.clients += r.count;
  t.noAction += none;
  layerCounts.forEach((c, i) => {
    if (c) t.layers[layerIds[i]] = (t.layers[layerIds[i]] ?? 0) + c;
  });
  actionCounts.forEach((c, i) => {
    if (c) t.actions[actionIds[i]] = (t.actions[actionIds[i]] ?? 0) + c;
  });
  if (r.errors.length) throw new Error(`clientseg rejected ${r.errors.length} records: ${JSON.stringify(r.errors[0])}`);
}

async function main() {
  const { loadRules, NOW, canonical, RULES_PATH } = await import('./lib/pack.mjs');
  const mod = await import(`./engines/${engineName}.mjs`);
  const rulesText = readFileSync(RULES_PATH, 'utf8');
  const rules = JSON.parse(rulesText);
  const ctx = { rules, rulesText, now: NOW, nowMs: Date.parse(NOW) };
  const isClientseg = engineName === 'clientseg';

  if (workload === 'W4') {
    // Cold start: this process has imported nothing of the engine yet. The client comes from the
    // population file, read before the clock starts (reading the file is not the engine's).
    const { bytes } = ndjsonPrefix(args.data, 1);
    const client = JSON.parse(bytes.toString('utf8'));
    const t = performance.now();
    const inst = await mod.load(ctx);
    const tDecide = performance.now();
    await inst.decide(client);
    const end = performance.now();
    return { ms: end - t, firstDecisionMs: end - tDecide, sinceProcessStartMs: end, workerStartMs: T0 };
  }

  const inst = await mod.load(ctx);
  const decide = inst.decide;
  const isAsync = !!mod.isAsync;

  /** Aggregate report over NDJSON bytes: every engine parses its own input. */
  async function aggregate(bytes) {
    const t = newTally();
    if (isClientseg) {
      inst.decideNdjson(bytes, (r) => tallyBatch(t, r));
      return t;
    }
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      if (end > start) {
        const c = JSON.parse(bytes.toString('utf8', start, end));
        const o = isAsync ? await decide(c) : decide(c);
        tallyOne(t, o.layer, o.actions);
      }
      start = end + 1;
    }
    return t;
  }

  if (workload === 'verify') {
    const clients = parseClients(args.data, args.count);
    const lines = [];
    const t = performance.now();
    for (const c of clients) lines.push(canonical(rules, isAsync ? await decide(c) : decide(c)));
    const seconds = (performance.now() - t) / 1000;
    writeFileSync(args.out, lines.join('\n') + '\n');
    const { bytes } = ndjsonPrefix(args.data, args.count);
    const agg = canonicalTally(await aggregate(bytes));
    const extra = {};
    if (isClientseg) {
      // The batch path must agree with the single-decision path (primary layer and actions).
      const r = inst.decideMany(clients);
      let bad = 0;
      for (let k = 0; k < r.count; k++) {
        const layer = r.layerIds[r.primaryLayer[k]] ?? '-';
        const acts = Array.from(r.actions.subarray(r.actionOffsets[k], r.actionOffsets[k + 1]), (i) => r.actionIds[i]);
        const [l, , a] = lines[k].split('|');
        if (layer !== l || acts.join(',') !== a) bad++;
      }
      extra.batchMismatches = bad;
    }
    return { count: clients.length, rate: clients.length / seconds, aggregate: agg, ...extra };
  }

  /**
   * Warms the engine up and picks how many clients one timed run covers: doubling from 128 until
   * one pass takes a quarter of the target, then scaled to `args.seconds` (capped by the input).
   */
  async function calibrate(pass, max) {
    let k = Math.min(128, max);
    let t = 0;
    for (;;) {
      const t0 = performance.now();
      await pass(k);
      t = (performance.now() - t0) / 1000;
      if (t >= args.seconds / 4 || k >= max) break;
      k = Math.min(max, k * 2);
    }
    return Math.max(Math.min(max, 100), Math.min(max, Math.round((k * args.seconds) / Math.max(t, 1e-6))));
  }

  if (workload === 'W1') {
    const all = parseClients(args.data, args.count);
    let sink = 0;
    const pass = async (n) => {
      const clients = n === all.length ? all : all.slice(0, n);
      if (isClientseg) {
        sink += inst.decideMany(clients).actions.length;
        return;
      }
      if (isAsync) for (let k = 0; k < n; k++) sink += (await decide(clients[k])).actions.length;
      else for (let k = 0; k < n; k++) sink += decide(clients[k]).actions.length;
    };
    const n = await calibrate(pass, all.length);
    const rates = [];
    for (let r = 0; r < args.runs; r++) {
      const t = performance.now();
      await pass(n);
      rates.push(n / ((performance.now() - t) / 1000));
    }
    return { count: n, rates, sink };
  }

  if (workload === 'W2' || workload === 'agg') {
    const { bytes: all, n: max } = ndjsonPrefix(args.data, args.count);
    const ends = lineRanges(all).map(([, e]) => e + 1);
    const prefix = (n) => all.subarray(0, ends[n - 1]);
    if (workload === 'agg') return { count: max, aggregate: canonicalTally(await aggregate(all)) };
    const n = await calibrate((k) => aggregate(prefix(k)), max);
    const bytes = prefix(n);
    let agg = null;
    const rates = [];
    for (let r = 0; r < args.runs; r++) {
      const t = performance.now();
      agg = await aggregate(bytes);
      rates.push(n / ((performance.now() - t) / 1000));
    }
    // After timing: clientseg's aggregate over the same bytes, which every engine must match.
    let refAggregate = null;
    if (!isClientseg) {
      const cs = (await import('./engines/clientseg.mjs')).load(ctx);
      const t = newTally();
      cs.decideNdjson(bytes, (res) => tallyBatch(t, res));
      refAggregate = canonicalTally(t);
    }
    return { count: n, bytes: bytes.length, rates, aggregate: canonicalTally(agg), refAggregate };
  }

  if (workload === 'W3') {
    const clients = parseClients(args.data, args.count);
    const n = clients.length;
    const lat = new Float64Array(n);
    for (let k = 0; k < n; k++) await decide(clients[k]); // warm-up
    const medians = [];
    const now = process.hrtime.bigint;
    for (let r = 0; r < args.runs; r++) {
      for (let k = 0; k < n; k++) {
        const t = now();
        const o = isAsync ? await decide(clients[k]) : decide(clients[k]);
        lat[k] = Number(now() - t) / 1000;
        if (o === undefined) throw new Error('no decision');
      }
      const sorted = Array.from(lat).sort((a, b) => a - b);
      medians.push(sorted[n >> 1]);
    }
    return { count: n, medians };
  }

  if (workload === 'W5') {
    const bytes = readFileSync(args.data);
    const before = process.memoryUsage().rss;
    const t = performance.now();
    const agg = await aggregate(bytes);
    const seconds = (performance.now() - t) / 1000;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    return { count: agg.clients, dataBytes: bytes.length, rssAfterLoad: before, peakRss, seconds, aggregate: canonicalTally(agg) };
  }
  throw new Error(`unknown workload ${workload}`);
}

main().then(
  (r) => {
    process.stdout.write(JSON.stringify({ ok: true, engine: engineName, workload, ...r }) + '\n');
    process.exit(0);
  },
  (e) => {
    process.stdout.write(JSON.stringify({ ok: false, engine: engineName, workload, error: String(e?.stack ?? e) }) + '\n');
    process.exit(1);
  },
);
