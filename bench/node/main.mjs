// The benchmark of issue 5: clientseg against the engines people use today, on the same rules (the
// default pack's tags, layers and action choice) and the same seeded synthetic population.
//
//   node bench/node/main.mjs [--quick] [--engines a,b,...] [--out FILE]
//
// (`bash bench/run` installs what is missing and calls this.) Steps: generate the population;
// check every engine's output client by client against clientseg's (a mismatch fails the run);
// then W1–W5 for every engine, each in its own process; the native core through
// `cargo bench --bench native` (full mode); then the table as JSON and as Markdown.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, statSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const HERE = import.meta.dirname;
const ROOT = path.resolve(HERE, '../..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};

const QUICK = flag('--quick');
const ALL_ENGINES = ['clientseg', 'handwritten', 'json-logic-js', 'json-logic-engine', 'datalogic', 'json-rules-engine', 'zen'];
const ENGINES = opt('--engines', ALL_ENGINES.join(','))
  .split(',')
  .filter((e) => existsSync(path.join(HERE, 'engines', `${e}.mjs`)));
if (!ENGINES.includes('clientseg') || !ENGINES.includes('handwritten')) {
  console.error('clientseg and handwritten are the two references and must be in --engines');
  process.exit(2);
}
const OUT = opt('--out', path.join(ROOT, 'bench', 'results', QUICK ? 'quick.json' : 'latest.json'));

const CFG = QUICK
  ? { population: 5_000, verify: 500, runs: 5, seconds: 0.15, w3Clients: 200, w4Runs: 5, w5Size: 5_000, w5Budget: 8, native: false }
  : { population: 200_000, verify: 5_000, runs: 7, seconds: 1.0, w3Clients: 2_000, w4Runs: 7, w5Size: 1_000_000, w5Budget: 150, native: true };

const PKG = process.env.CLIENTSEG_PKG || path.join(ROOT, 'pkg');
process.env.CLIENTSEG_PKG = PKG;
const TMP = path.join(os.tmpdir(), `clientseg-bench-${process.pid}`);
mkdirSync(TMP, { recursive: true });
const started = Date.now();
const log = (...a) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`, ...a);

function worker(engine, workload, extra = {}, { nodeArgs = [] } = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs, path.join(HERE, 'worker.mjs'), JSON.stringify({ engine, workload, ...extra })], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: process.env,
  });
  const line = (r.stdout || '').trim().split('\n').pop();
  let out;
  try {
    out = JSON.parse(line);
  } catch {
    out = { ok: false, error: `exit ${r.status} ${r.signal ?? ''}: ${(r.stderr || '').slice(-2000)}` };
  }
  if (!out.ok) throw new Error(`${engine} ${workload} failed:\n${out.error}`);
  return out;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1], runs: s.length };
};

// ---------------------------------------------------------------- the population

async function generate(file, size) {
  const { importSimulation } = await import('./engines/clientseg.mjs');
  const m = importSimulation();
  const fd = openSync(file, 'w');
  // generatePopulation returns every client at once; write them in slices to keep strings small.
  const pop = m.generatePopulation(size, 42);
  for (let k = 0; k < pop.length; k += 10_000) {
    writeSync(fd, pop.slice(k, k + 10_000).map((c) => JSON.stringify(c)).join('\n') + '\n');
  }
  closeSync(fd);
}

// ---------------------------------------------------------------- machine and sizes

function machine() {
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] ?? os.cpus()[0]?.model;
  return { nproc: os.availableParallelism?.() ?? os.cpus().length, cpu, node: process.version, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` };
}

function dirBytes(p) {
  let total = 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  for (const e of readdirSync(p)) total += dirBytes(path.join(p, e));
  return total;
}

/** Installed size of a package and everything it pulls in (from package-lock.json). */
function installSize(pkgName) {
  const lock = JSON.parse(readFileSync(path.join(HERE, 'package-lock.json'), 'utf8')).packages;
  const seen = new Set();
  const visit = (name) => {
    const key = `node_modules/${name}`;
    if (seen.has(key) || !lock[key]) return;
    seen.add(key);
    for (const d of Object.keys({ ...lock[key].dependencies, ...lock[key].optionalDependencies })) visit(d);
  };
  visit(pkgName);
  let bytes = 0;
  for (const k of seen) if (existsSync(path.join(HERE, k))) bytes += dirBytes(path.join(HERE, k));
  return { bytes, packages: seen.size };
}

function sizes() {
  const wasm = readFileSync(path.join(PKG, 'clientseg_bg.wasm'));
  const dl = readFileSync(path.join(HERE, 'node_modules/@goplasmatic/datalogic/nodejs/datalogic_wasm_bg.wasm'));
  const zenDir = path.join(HERE, 'node_modules/@gorules');
  const zenBin = readdirSync(zenDir)
    .filter((d) => d.startsWith('zen-engine-'))
    .flatMap((d) => readdirSync(path.join(zenDir, d)).filter((f) => f.endsWith('.node')).map((f) => path.join(zenDir, d, f)))[0];
  const bin = (buf) => ({ bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length });
  return {
    clientseg: { install: { bytes: dirBytes(PKG), packages: 1 }, binary: { kind: 'wasm', ...bin(wasm) } },
    handwritten: { install: { bytes: statSync(path.join(HERE, 'engines/handwritten.mjs')).size, packages: 0 } },
    'json-logic-js': { install: installSize('json-logic-js') },
    'json-logic-engine': { install: installSize('json-logic-engine') },
    datalogic: { install: installSize('@goplasmatic/datalogic'), binary: { kind: 'wasm', ...bin(dl) } },
    'json-rules-engine': { install: installSize('json-rules-engine') },
    zen: { install: installSize('@gorules/zen-engine'), binary: zenBin ? { kind: 'N-API', ...bin(readFileSync(zenBin)) } : undefined },
  };
}

// ---------------------------------------------------------------- the native core

function native() {
  log('native core: cargo bench --bench native (builds on first use)');
  const r = spawnSync('cargo', ['bench', '--bench', 'native', '--', '--size', '200000', '--runs', String(CFG.runs)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`cargo bench failed:\n${r.stderr.slice(-3000)}`);
  const m = r.stdout.match(/evaluate_all[^:]*: median (\d+) clients\/s \(min (\d+), max (\d+)\)/);
  const s = r.stdout.match(/evaluate \(one at a time\):\s*median (\d+) clients\/s \(min (\d+), max (\d+)\)/);
  return {
    output: r.stdout.trim(),
    block: m ? { median: +m[1], min: +m[2], max: +m[3], runs: CFG.runs } : null,
    single: s ? { median: +s[1], min: +s[2], max: +s[3], runs: CFG.runs } : null,
  };
}

function nativeNdjson(file, size) {
  log(`writing ${size} clients as NDJSON with the native generator (cargo bench --bench native -- --write-ndjson)`);
  const r = spawnSync('cargo', ['bench', '--bench', 'native', '--', '--size', String(size), '--write-ndjson', file], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`cargo bench --write-ndjson failed:\n${r.stderr.slice(-3000)}`);
}

// ---------------------------------------------------------------- the run

async function run() {
  const result = { date: new Date().toISOString(), mode: QUICK ? 'quick' : 'full', machine: machine(), config: CFG, engines: {} };
  log(`mode ${result.mode}; machine: ${result.machine.nproc} cores, ${result.machine.cpu}, Node ${result.machine.node}`);
  const data = path.join(TMP, 'population.ndjson');
  log(`generating the seeded population (${CFG.population} clients, seed 42)`);
  await generate(data, CFG.population);

  // 1. The output check, before any timing.
  log(`output check: the first ${CFG.verify} clients through every engine, compared with clientseg's decide()`);
  const ref = worker('clientseg', 'verify', { data, count: CFG.verify, out: path.join(TMP, 'verify-clientseg.txt') });
  if (ref.batchMismatches) throw new Error(`clientseg decideBatch disagrees with decide() on ${ref.batchMismatches} clients`);
  const refLines = readFileSync(path.join(TMP, 'verify-clientseg.txt'), 'utf8').split('\n');
  let failed = false;
  const est = {};
  const check = {};
  for (const e of ENGINES) {
    const out = path.join(TMP, `verify-${e}.txt`);
    const r = e === 'clientseg' ? ref : worker(e, 'verify', { data, count: CFG.verify, out });
    const lines = readFileSync(out, 'utf8').split('\n');
    const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
    const bad = [];
    for (let k = 0; k < refLines.length; k++) if (lines[k] !== refLines[k]) bad.push(k);
    const aggOk = r.aggregate === ref.aggregate;
    est[e] = r.rate;
    check[e] = { clients: r.count, digest, mismatches: bad.length, aggregateMatches: aggOk };
    console.error(`  ${e.padEnd(18)} ${r.count} clients  digest ${digest}  mismatches ${bad.length}  W2 aggregate ${aggOk ? 'equal' : 'DIFFERENT'}  (~${Math.round(r.rate)} clients/s)`);
    for (const k of bad.slice(0, 5)) {
      console.error(`    client #${k}\n      clientseg ${refLines[k]}\n      ${e.padEnd(9)} ${lines[k]}`);
    }
    if (!aggOk) console.error(`    clientseg ${ref.aggregate}\n    ${e} ${r.aggregate}`);
    if (bad.length || !aggOk) failed = true;
  }
  result.check = { clients: CFG.verify, perEngine: check, compared: 'primary layer | every tag and tier | chosen actions in rank order, client by client; and the W2 aggregate' };
  if (failed) {
    console.error('OUTPUT CHECK FAILED: an engine disagrees with clientseg; no timings were taken');
    process.exitCode = 1;
    return null;
  }

  // 2. W1, W2, W3: one process per engine and workload. W1/W2 workers size their runs to about
  // CFG.seconds each (after a warm-up); W3 times CFG.w3Clients single decisions per run.
  for (const e of ENGINES) result.engines[e] = {};
  for (const w of ['W1', 'W2', 'W3']) {
    for (const e of ENGINES) {
      log(`${w} ${e}`);
      const count = w === 'W3' ? CFG.w3Clients : CFG.population;
      const r = worker(e, w, { data, count, runs: CFG.runs, seconds: CFG.seconds });
      if (w === 'W2' && r.refAggregate !== null && r.refAggregate !== r.aggregate) {
        // The same first clients must give the same aggregate report in every engine.
        throw new Error(`W2 aggregate of ${e} differs from clientseg's over the same ${r.count} clients:\n${r.aggregate}\n${r.refAggregate}`);
      }
      result.engines[e][w] = w === 'W3' ? { clients: r.count, ...stats(r.medians), unit: 'µs' } : { clients: r.count, ...stats(r.rates), unit: 'clients/s' };
    }
  }

  // 3. W4: cold start, a fresh process per sample.
  for (const e of ENGINES) {
    log(`W4 ${e} (${CFG.w4Runs} fresh processes)`);
    const ms = [];
    const first = [];
    for (let k = 0; k < CFG.w4Runs; k++) {
      const r = worker(e, 'W4', { data });
      ms.push(r.ms);
      first.push(r.firstDecisionMs);
    }
    result.engines[e].W4 = { ...stats(ms), unit: 'ms', firstDecision: stats(first) };
  }

  // 4. W5: peak memory over an NDJSON file held in memory.
  let w5data = data;
  let w5size = CFG.population;
  if (!QUICK) {
    w5data = path.join(TMP, 'population-1m.ndjson');
    w5size = CFG.w5Size;
    nativeNdjson(w5data, w5size);
  }
  for (const e of ENGINES) {
    const w2 = result.engines[e].W2.median;
    const estSeconds = w5size / w2;
    if (estSeconds > CFG.w5Budget) {
      log(`W5 ${e}: skipped (~${Math.round(estSeconds)} s at its W2 rate; budget ${CFG.w5Budget} s)`);
      result.engines[e].W5 = { skipped: true, estimatedSeconds: Math.round(estSeconds) };
      continue;
    }
    log(`W5 ${e} (${w5size} clients)`);
    const r = worker(e, 'W5', { data: w5data }, { nodeArgs: ['--max-old-space-size=8192'] });
    result.engines[e].W5 = { clients: r.count, dataBytes: r.dataBytes, peakRss: r.peakRss, ratio: r.peakRss / r.dataBytes, seconds: r.seconds };
  }

  // 5. Sizes, and the native core.
  const sz = sizes();
  for (const e of ENGINES) result.engines[e].size = sz[e];
  if (CFG.native) result.native = native();
  return result;
}

// ---------------------------------------------------------------- the table

const LABELS = {
  clientseg: 'clientseg (wasm, Node)',
  handwritten: 'hand-written JS',
  'json-logic-js': 'json-logic-js',
  'json-logic-engine': 'json-logic-engine (compiled)',
  datalogic: '@goplasmatic/datalogic (wasm)',
  'json-rules-engine': 'json-rules-engine',
  zen: '@gorules/zen-engine (N-API)',
};

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : `${x.toFixed(0)}`);
const fmtRatio = (x) => (x >= 10 ? `${x.toFixed(0)}×` : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toFixed(3)}×`);
const fmtBytes = (b) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MB` : `${(b / 1024).toFixed(0)} KB`);
const fmtUs = (x) => (x >= 1000 ? `${(x / 1000).toFixed(1)} ms` : x >= 10 ? `${x.toFixed(0)} µs` : `${x.toFixed(1)} µs`);

export function markdown(res) {
  const E = Object.keys(res.engines);
  const hw = res.engines.handwritten;
  const cs = res.engines.clientseg;
  const rows = [];
  rows.push('| engine | W1 objects → decisions (clients/s) | vs JS | vs clientseg | W2 NDJSON → aggregate (clients/s) | vs JS | vs clientseg |');
  rows.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const e of E) {
    const r = res.engines[e];
    const cell = (w) => `${fmtRate(r[w].median)} (${fmtRate(r[w].min)}–${fmtRate(r[w].max)})`;
    rows.push(
      `| ${LABELS[e]} | ${cell('W1')} | ${fmtRatio(r.W1.median / hw.W1.median)} | ${fmtRatio(r.W1.median / cs.W1.median)} | ${cell('W2')} | ${fmtRatio(r.W2.median / hw.W2.median)} | ${fmtRatio(r.W2.median / cs.W2.median)} |`,
    );
  }
  if (res.native?.block) {
    const n = res.native.block;
    rows.push(`| clientseg native core (Rust, pre-loaded records, one core) | ${fmtRate(n.median)} (${fmtRate(n.min)}–${fmtRate(n.max)}) | ${fmtRatio(n.median / hw.W1.median)} | ${fmtRatio(n.median / cs.W1.median)} | | | |`);
  }
  rows.push('');
  rows.push('| engine | W3 one decision (median µs) | vs JS | W4 cold start (ms) | W5 peak RSS at ' + (res.config.w5Size >= 1e6 ? `${res.config.w5Size / 1e6} M` : res.config.w5Size) + ' clients (× data) | install size | binary (gzip) |');
  rows.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const e of E) {
    const r = res.engines[e];
    const w3 = `${fmtUs(r.W3.median)} (${fmtUs(r.W3.min)}–${fmtUs(r.W3.max)})`;
    const w4 = `${r.W4.median.toFixed(1)} (${r.W4.min.toFixed(1)}–${r.W4.max.toFixed(1)})`;
    const w5 = r.W5.skipped ? `not run (~${r.W5.estimatedSeconds} s)` : `${fmtBytes(r.W5.peakRss)} (${r.W5.ratio.toFixed(2)}×)`;
    const inst = r.size?.install ? `${fmtBytes(r.size.install.bytes)}${r.size.install.packages > 1 ? ` (${r.size.install.packages} pkgs)` : ''}` : '';
    const bin = r.size?.binary ? `${r.size.binary.kind} ${fmtBytes(r.size.binary.bytes)} (${fmtBytes(r.size.binary.gzipBytes)})` : '—';
    rows.push(`| ${LABELS[e]} | ${w3} | ${fmtRatio(r.W3.median / hw.W3.median)} | ${w4} | ${w5} | ${inst} | ${bin} |`);
  }
  return rows.join('\n');
}

const res = await run().catch((e) => {
  console.error(String(e?.stack ?? e));
  process.exitCode = 1;
  return null;
});
rmSync(TMP, { recursive: true, force: true });
if (res) {
  res.seconds = (Date.now() - started) / 1000;
  mkdirSync(path.dirname(OUT), { recursive: true });
  res.markdown = markdown(res);
  writeFileSync(OUT, JSON.stringify(res, null, 2) + '\n');
  const m = res.machine;
  console.log(`\n${res.mode} run ${res.date}, ${m.nproc} cores (${m.cpu}), Node ${m.node}, ${res.seconds.toFixed(0)} s; written to ${path.relative(process.cwd(), OUT)}\n`);
  console.log(res.markdown);
  if (res.native?.output) console.log('\n```text\n' + res.native.output + '\n```');
}
