// End to end: the admin what-if page (www/) served by www/serve.mjs, driven in headless Chromium
// (/usr/bin/chromium through playwright-core). It runs the default simulation (20,000 synthetic
// clients, set through the form), changes one threshold through the form, re-runs, and checks
// that every number on the page equals the native Rust simulation's
// (`cargo run --example simulate`) for the same seed, rules and assumptions; it uploads a CSV
// with two bad rows and checks both are listed with their line numbers; it checks the editor's
// diagnostics, the inspector, the exports and the zh/en toggle. Throughout: zero console errors,
// zero failed requests, zero requests to any host but 127.0.0.1. Screenshots go to
// target/artefacts/www-*.png.
//
// Run: node --test tests/browser/www.test.mjs  (after .ci/build-pkg; .ci/setup installs Chromium
// and tests/apps/, whose playwright-core this test uses)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artefacts = join(root, 'target', 'artefacts');
const require = createRequire(join(root, 'tests', 'apps', 'package.json'));
const { chromium } = require('playwright-core');
// The admin page's module (`clientseg/simulation`): the page uses it, and it has the generator.
const pkg = createRequire(import.meta.url)('../../pkg/node/clientseg_simulation.js');

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SIZE = 20_000;
const SEED = 42;
const NOW = '2026-11-25T10:00:00+08:00';
// The page's defaults are the package's copies of the default pack and its assumptions.
const RULES = join(root, 'pkg', 'rules', 'internet-branch.json');
const ASSUMPTIONS = join(root, 'pkg', 'rules', 'internet-branch.simulation.json');
// Hang guard for waits; nothing about speed is asserted.
const WAIT = { timeout: 300_000 };

let server;
let context;
let page;
let work;
const problems = [];
const foreign = [];

/** Starts `node www/serve.mjs --port 0` and resolves to the URL it prints. */
function startServer() {
  const child = spawn(process.execPath, [join(root, 'www', 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/www\/)$/m);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`www/serve.mjs exited (${code}):\n${out}`)));
  });
}

/**
 * The native simulation's report (the Rust core, not the wasm build). The dev profile reuses the
 * build `cargo test` has made (a release build would add minutes to a fresh CI run); the
 * optimisation level does not change a result.
 */
function nativeReport(args) {
  const stdout = execFileSync(
    'cargo',
    ['run', '--quiet', '--example', 'simulate', '--', '--now', NOW, '--assumptions', ASSUMPTIONS, '--published', RULES, ...args],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(stdout);
}

/** The value at a JSON pointer. */
function at(doc, pointer) {
  let v = doc;
  for (const token of pointer.split('/').slice(1)) {
    if (v == null) return undefined;
    v = v[token.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return v;
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Every number shown in the report (`[data-k]` cells: pointer, exact value, text) against the
 * native report. Counts must be equal exactly, as shown; fractional values to 1e-9 relative.
 */
async function assertPageMatches(native, label) {
  const cells = await page.$$eval('#report [data-k]', (els) => els.map((e) => ({ k: e.dataset.k, v: e.dataset.v, text: e.textContent, empty: e.classList.contains('empty') })));
  assert.ok(cells.length > 150, `${label}: the report shows ${cells.length} numbers`);
  const mismatches = [];
  for (const c of cells) {
    const expected = at(native, c.k) ?? (c.empty ? 0 : undefined);
    const shown = Number(c.v);
    if (typeof expected !== 'number') mismatches.push(`${c.k}: page ${c.v}, native ${JSON.stringify(expected)}`);
    else if (Number.isInteger(expected)) {
      const digits = Number(c.text.replace(/[^\d.-]/g, ''));
      if (shown !== expected || (!/%/.test(c.text) && digits !== expected)) mismatches.push(`${c.k}: page ${c.v} ("${c.text}"), native ${expected}`);
    } else if (!close(shown, expected)) mismatches.push(`${c.k}: page ${c.v}, native ${expected}`);
  }
  assert.deepEqual(mismatches, [], `${label}: numbers on the page that differ from the native simulation`);
  return cells.length;
}

/** Deep comparison of two reports: integers exactly, other numbers to 1e-9 relative. */
function assertSameReport(actual, expected, path = '') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected)) assert.equal(actual, expected, path);
    else assert.ok(close(actual, expected), `${path}: ${actual} vs ${expected}`);
  } else if (expected && typeof expected === 'object') {
    assert.equal(typeof actual, 'object', path);
    assert.deepEqual(Object.keys(actual ?? {}).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected)) assertSameReport(actual[k], expected[k], `${path}/${k}`);
  } else assert.equal(actual, expected, path);
}

/** A screenshot of one element, with the sticky header out of the way. */
async function shot(selector, name) {
  await page.$eval('header.top', (h) => (h.style.position = 'static'));
  try {
    await page.locator(selector).screenshot({ path: join(artefacts, name) });
  } finally {
    await page.$eval('header.top', (h) => (h.style.position = ''));
  }
}

async function runAndWait(n) {
  await page.click('#run');
  await page.waitForSelector(`body[data-runs="${n}"]`, WAIT);
  assert.equal(await page.$eval('#run-error', (e) => e.hidden), true, 'no run error');
}

async function download(selector, dir) {
  const [dl] = await Promise.all([page.waitForEvent('download', WAIT), page.click(selector)]);
  const file = join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

before(async () => {
  assert.ok(existsSync(join(root, 'pkg', 'package.json')), 'pkg/ is missing: run .ci/build-pkg first');
  assert.ok(existsSync(ASSUMPTIONS), 'pkg/rules/internet-branch.simulation.json is missing: rebuild pkg/');
  mkdirSync(artefacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'clientseg-www-'));
  server = await startServer();
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 960 },
    acceptDownloads: true,
  });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'blob:' || u.protocol === 'data:' || u.hostname === '127.0.0.1') return route.continue();
    foreign.push(u.href);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  const watch = (p) => {
    p.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    p.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    p.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    p.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  };
  watch(page);
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console error: ${m.text()}`)));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
});

after(async () => {
  await context?.close();
  server?.child.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('default simulation: every number on the page equals the native simulation', async () => {
  await page.click('#lang-zh');
  await page.fill('#size', String(SIZE));
  await page.fill('#seed', String(SEED));
  await runAndWait(1);
  await page.screenshot({ path: join(artefacts, 'www-overview.png') });
  const native = nativeReport(['--size', String(SIZE), '--seed', String(SEED), '--draft', RULES]);
  assert.equal(native.clients, SIZE);
  const n = await assertPageMatches(native, 'default rules');
  // The exported report is the package's report itself.
  const exported = JSON.parse(readFileSync(await download('#export-json', work), 'utf8'));
  assertSameReport(exported, native);
  const csv = readFileSync(await download('#export-csv', work), 'utf8');
  assert.match(csv, /^\ufefftable,side,row,column,value\r\n/);
  assert.match(csv, new RegExp(`^summary,,clients,,${SIZE}\\r$`, 'm'));
  assert.equal(native.clientsChangingLayer, 0, 'A and B are the same rules');
  console.log(`default rules: ${n} numbers on the page equal the native report`);
});

test('a threshold changed through the form: the page and the native simulation agree', async () => {
  // engaged_new ("highly engaged"): logins_30d >= 8 becomes >= 4, through its form control.
  const rules = JSON.parse(readFileSync(RULES, 'utf8'));
  const tag = rules.tags.findIndex((x) => x.id === 'engaged_new');
  const pointer = `/tags/${tag}/when/or/0/>=/1`;
  assert.equal(rules.tags[tag].when.or[0]['>='][1], 8, 'the default pack changed: update this test');
  await page.click(`[data-owner="/tags/${tag}"] > summary`);
  const input = page.locator(`#thresholds input[data-ptr="${pointer}"]`);
  assert.equal(await input.inputValue(), '8');
  await input.fill('4');
  // The form edited the draft JSON in place, and the draft is still valid.
  const draftText = await page.inputValue('#draft-text');
  assert.equal(JSON.parse(draftText).tags[tag].when.or[0]['>='][1], 4);
  await page.waitForFunction(() => document.querySelector('#diag-summary').classList.contains('ok'), null, WAIT);
  await runAndWait(2);
  const draft = await download('#draft-export', work);
  // The file name carries the draft's content hash, as the package computes it.
  const info = pkg.Engine.compile(readFileSync(draft, 'utf8')).info();
  assert.equal(draft.split('/').pop(), `${info.id}-${info.version}-${info.contentHash.slice(7, 19)}.json`);
  assert.deepEqual(JSON.parse(readFileSync(draft, 'utf8')), JSON.parse(draftText));
  const native = nativeReport(['--size', String(SIZE), '--seed', String(SEED), '--draft', draft]);
  assert.ok(native.clientsChangingLayer > 0, 'the change moves clients between layers');
  assert.equal(native.draft.ruleSet.contentHash, info.contentHash);
  const n = await assertPageMatches(native, 'edited draft');
  assert.equal(await page.$eval('#report [data-k="/clientsChangingLayer"]', (e) => e.dataset.v), String(native.clientsChangingLayer));
  await page.screenshot({ path: join(artefacts, 'www-report.png'), fullPage: true });
  await page.click('#lang-en');
  await page.waitForSelector('html[lang="en"]');
  assert.equal(await page.textContent('#r-layers h3'), 'Primary layer distribution, A vs B');
  await assertPageMatches(native, 'edited draft, English');
  await page.screenshot({ path: join(artefacts, 'www-report-en.png'), fullPage: true });
  console.log(`edited draft: ${n} numbers equal; ${native.clientsChangingLayer} clients change layer`);
});

/**
 * Finds `client` by id in the uploaded file through the inspector, and checks that its decision
 * under the draft (the file `draft`) shows the package's zh/en explanation.
 */
async function assertInspected(client, draft) {
  await page.click('#inspect-id');
  await page.fill('#inspect-id', client.id);
  await page.click('#inspect');
  await page.waitForFunction((id) => document.querySelector('#inspect-out .client-id strong')?.textContent === id, client.id, WAIT);
  const expected = pkg.Engine.compile(readFileSync(draft, 'utf8')).decide(client, { now: NOW, trace: true });
  const expl = await page.$$eval('#inspect-out .dcol:last-child .expl', (els) => els.map((e) => e.textContent));
  assert.deepEqual(expl.sort(), [expected.explanation.zh, expected.explanation.en].sort());
}

/** A CSV of `n` synthetic clients with the declared fields; lists as JSON cells. */
function populationCsv(n, seed) {
  const clients = pkg.generatePopulation(n, seed, NOW);
  const fields = JSON.parse(readFileSync(RULES, 'utf8')).fields.map((f) => f.id);
  const cols = ['id', ...fields, 'events', 'contacts'];
  const cell = (v) => {
    if (v === undefined || v === null) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return { cols, rows: clients.map((c) => cols.map((k) => cell(c[k]))), clients };
}

test('an uploaded CSV with two bad rows: both listed with their line numbers, the rest simulated', async () => {
  const { cols, rows, clients } = populationCsv(60, 7);
  const aum = cols.indexOf('aum');
  const risk = cols.indexOf('risk_class');
  rows[3][aum] = 'lots'; // line 5: not a number
  rows[45][risk] = 'C9'; // line 47: not one of C1..C5
  const file = join(work, 'clients.csv');
  writeFileSync(file, `${[cols.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
  await page.click('#lang-zh');
  // Three workers: the later two are given the header row and merge into the first; the bad
  // rows (in the first and the last third) keep their line numbers in the whole file.
  await page.selectOption('#workers', '3');
  await page.setInputFiles('#file', file);
  assert.equal(await page.isChecked('input[name="source"][value="file"]'), true);
  await runAndWait(3);
  const lines = await page.$$eval('#r-rejected [data-k^="/errors/"]', (els) => els.map((e) => Number(e.dataset.v)));
  assert.deepEqual(lines, [5, 47]);
  const text = await page.textContent('#r-rejected');
  assert.match(text, /\/aum/);
  assert.match(text, /\/risk_class/);
  const draft = join(work, 'draft.json');
  writeFileSync(draft, await page.inputValue('#draft-text'));
  const native = nativeReport(['--csv', file, '--draft', draft]);
  assert.equal(native.clients, 58);
  assert.equal(native.rejected, 2);
  await assertPageMatches(native, 'uploaded CSV');
  await shot('#r-rejected', 'www-upload.png');
  // The inspector reads one CSV row through the package (engine.csvClient) and decides it as the
  // JSON client it came from.
  const client = clients[20];
  await assertInspected(client, draft);
});

test('an uploaded NDJSON file split between two workers, read in 1 MB chunks: the same numbers as natively; the inspector finds a client by id', async () => {
  // ~6 MB: lines are split across each worker's chunks, and the file between the two workers.
  const clients = pkg.generatePopulation(5000, 11, NOW);
  const lines = clients.map((c) => JSON.stringify(c));
  lines[3499] = '{"id": "broken"'; // line 3500, in the second worker's half
  const file = join(work, 'clients.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  await page.selectOption('#workers', '2');
  await page.setInputFiles('#file', file);
  await runAndWait(4);
  assert.deepEqual(await page.$$eval('#r-rejected [data-k^="/errors/"]', (els) => els.map((e) => Number(e.dataset.v))), [3500]);
  const draft = join(work, 'draft-ndjson.json');
  writeFileSync(draft, await page.inputValue('#draft-text'));
  const native = nativeReport(['--ndjson', file, '--draft', draft]);
  assert.equal(native.clients, 4999);
  assert.equal(native.rejected, 1);
  await assertPageMatches(native, 'uploaded NDJSON');
  await page.selectOption('#workers', 'auto');
  const client = clients[4321];
  await assertInspected(client, draft);
  assert.match(await page.textContent('#inspect-out .client-id'), /4322/, 'its line number');
});

test('a CSV file whose header row cannot be read, with two workers chosen: read by one worker, as natively', async () => {
  const file = join(work, 'bad-header.csv');
  writeFileSync(file, 'aum,,aum\n100,2,3\n200,3,4\n300,4,5\n400,5,6\n');
  await page.selectOption('#workers', '2');
  await page.setInputFiles('#file', file);
  await runAndWait(5);
  assert.equal(await page.$eval('body', (b) => b.dataset.workers), '1', 'the run fell back to one worker');
  const draft = join(work, 'draft-bad-header.json');
  writeFileSync(draft, await page.inputValue('#draft-text'));
  const native = nativeReport(['--csv', file, '--draft', draft]);
  assert.equal(native.clients, 0);
  const shown = async (k) => Number(await page.$eval(`#report [data-k="${k}"]`, (e) => e.dataset.v));
  assert.equal(await shown('/rejected'), native.rejected);
  assert.equal(await shown('/clients'), 0);
  await page.selectOption('#workers', 'auto');
});

test('the editor marks a diagnostic at its JSON path as you type', async () => {
  const text = await page.inputValue('#draft-text');
  const target = '"var": "logins_30d"';
  const caret = text.indexOf(target) + target.length - 1; // just after the final "d"
  assert.ok(caret > 0);
  // Type as a user would: put the caret after "logins_30d" and delete the "d".
  await page.focus('#draft-text');
  await page.$eval('#draft-text', (e, at) => e.setSelectionRange(at, at), caret);
  await page.keyboard.press('Backspace');
  await page.waitForSelector('#diag-list li.error', WAIT);
  const item = await page.textContent('#diag-list li.error');
  assert.match(item, /undeclared-field/);
  assert.match(item, /\/tags\/\d+\/when\/or\/0\/>=\/0\/var/);
  assert.match(item, /logins_30d/, 'the suggestion');
  assert.equal(await page.textContent('#draft-backdrop mark.error'), '"var": "logins_30"');
  await page.click('#diag-list li.error .diag-go');
  await shot('#rules', 'www-editor.png');
  await page.$eval('#draft-text', (e, at) => e.setSelectionRange(at, at), caret - 1);
  await page.keyboard.type('d');
  await page.waitForFunction(() => document.querySelector('#diag-summary').classList.contains('ok'), null, WAIT);
  assert.equal(await page.inputValue('#draft-text'), text);
});

test('the inspector shows one client under A and under B, with reasons and explanations', async () => {
  await page.click('input[name="source"][value="synthetic"]');
  await runAndWait(6);
  await page.click('#inspect-index');
  await page.fill('#inspect-index', '17');
  await page.click('#inspect');
  await page.waitForSelector('#inspect-out .dcol', WAIT);
  assert.equal(await page.locator('#inspect-out .dcol').count(), 2);
  // The same client and decision as the package gives in Node.
  const client = pkg.generatePopulation(18, SEED, NOW)[17];
  const rules = readFileSync(RULES, 'utf8');
  const expected = pkg.Engine.compile(rules).decide(client, { now: NOW, trace: true });
  assert.equal(await page.textContent('#inspect-out .client-id strong'), client.id);
  const expl = await page.$$eval('#inspect-out .dcol:first-child .expl', (els) => els.map((e) => e.textContent));
  assert.deepEqual(expl.sort(), [expected.explanation.zh, expected.explanation.en].sort());
  await shot('#inspector', 'www-inspector.png');
});

test('no console errors, no failed requests, no request to another host', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
});
