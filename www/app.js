// The admin what-if page: wires the population, the draft rule editor, the assumptions, the
// simulation worker, the report and the client inspector. Every number shown comes from the
// package (../pkg, its simulation module `web/simulation.js`, which carries the whole API); this file
// only moves inputs and results around.

import { t, initLang, setLang, onLangChange, getLang } from './i18n.js';
import { JsonEditor } from './editor.js';
import { renderThresholds, renderAssumptions } from './forms.js';
import { renderReport, reportCsv } from './report.js';
import { renderDecisions } from './inspector.js';

const $ = (id) => document.getElementById(id);
const RULES_URL = new URL('../pkg/rules/internet-branch.json', import.meta.url);
const ASSUMPTIONS_URL = new URL('../pkg/rules/internet-branch.simulation.json', import.meta.url);

const state = {
  pkg: null,
  published: { text: '', doc: null, info: null },
  draft: { doc: null, info: null, errors: 0 },
  assumptions: {},
  assumptionsDefault: '{}',
  assumptionErrors: new Map(),
  report: null,
  reportDocs: null,
  lastRun: null, // {source, now, seed, size, file, format}
  workers: [],
  started: 0,
  status: { key: 'loading', vars: null, cls: '' },
  inspected: null,
};
let editor;

// Populations at least this large are split between workers, one per core (up to MAX_WORKERS).
const PARALLEL_MIN_CLIENTS = 50_000;
const PARALLEL_MIN_BYTES = 32 << 20;
const MAX_WORKERS = 4;

// ---------- small helpers ----------

function setStatus(key, vars = null, cls = '') {
  state.status = { key, vars, cls };
  const s = $('status');
  s.textContent = key.startsWith('raw:') ? key.slice(4) : t(key, vars ?? undefined);
  s.className = `status ${cls}`;
}

function markStale() {
  if (state.report) $('stale').hidden = false;
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The compiled rule set's identity, or null with the error when it does not compile. */
function infoOf(text) {
  let engine = null;
  try {
    engine = state.pkg.Engine.compile(text);
    return { info: engine.info(), error: null };
  } catch (e) {
    return { info: null, error: e };
  } finally {
    engine?.free();
  }
}

const shortHash = (info) => (info?.contentHash ?? '').replace(/^sha256:/, '').slice(0, 12);
const describe = (info) => (info ? `${info.id} ${info.version} · ${info.contentHash}` : '');

function formatOf(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (/\.(ndjson|jsonl|json)$/.test(name)) return 'ndjson';
  return null; // decided from the first byte when the run starts
}

async function sniffFormat(file) {
  const head = new TextDecoder().decode(await file.slice(0, 64).arrayBuffer()).replace(/^\ufeff/, '').trimStart();
  return head.startsWith('{') ? 'ndjson' : 'csv';
}

// ---------- rules ----------

function onDraftChange({ text, value, diagnostics }, fromForm) {
  state.draft.doc = value;
  state.draft.errors = diagnostics.filter((d) => d.severity === 'error').length;
  const { info } = state.draft.errors ? { info: null } : infoOf(text);
  state.draft.info = info;
  $('draft-info').textContent = info ? describe(info) : t('invalidRules');
  $('draft-info').classList.toggle('bad', !info);
  $('draft-export').disabled = !info;
  if (!fromForm) renderThresholds($('thresholds'), value, editFromForm);
  markStale();
}

let editingFromForm = false;
function editFromForm(pointer, newValue) {
  editingFromForm = true;
  try {
    editor.replaceValue(pointer, newValue);
  } finally {
    editingFromForm = false;
  }
}

function setPublished(text) {
  const { info, error } = infoOf(text);
  if (!info) {
    const diags = error?.diagnostics ?? [];
    $('published-error').textContent = `${t('invalidRules')}: ${error?.message ?? ''} ${diags
      .filter((d) => d.severity === 'error')
      .slice(0, 3)
      .map((d) => `${d.code} at ${d.path}`)
      .join('; ')}`;
    return false;
  }
  state.published = { text, doc: JSON.parse(text), info };
  $('published-info').textContent = describe(info);
  $('published-error').textContent = '';
  markStale();
  return true;
}

// ---------- assumptions ----------

function renderAssumptionsForm() {
  renderAssumptions($('assumptions-form'), state.assumptions, onAssumptionsEdit, state.assumptionErrors);
}

function onAssumptionsEdit() {
  $('assumptions-text').value = JSON.stringify(state.assumptions, null, 2);
  markStale();
}

function setAssumptionsText(text) {
  try {
    state.assumptions = JSON.parse(text);
    $('assumptions-error').hidden = true;
    return true;
  } catch (e) {
    $('assumptions-error').textContent = t('assumptionsBadJson') + e.message;
    $('assumptions-error').hidden = false;
    return false;
  }
}

// ---------- the run ----------

function source() {
  return document.querySelector('input[name="source"]:checked').value;
}

// The progress bar is redrawn at most this often: the workers need the cores more than the
// bar needs 60 frames a second.
const PROGRESS_MS = 200;

function scheduleProgress() {
  if (state.progressFrame) return;
  state.progressFrame = setTimeout(() => requestAnimationFrame(drawProgress), PROGRESS_MS);
}

function drawProgress() {
  state.progressFrame = 0;
  const p = state.progress;
  if (!p) return;
  $('progress').value = p.total ? p.done / p.total : 0;
  if (p.unit === 'clients') setStatus('progressClients', { done: p.done.toLocaleString(), total: p.total.toLocaleString() });
  else setStatus('progressBytes', { done: (p.done / 1048576).toFixed(1), total: (p.total / 1048576).toFixed(1), clients: p.clients.toLocaleString() });
}

// Workers that have loaded the package and wait for a run: started when the page is ready and
// kept between runs, so a run does not wait for workers to start and compile the wasm module.
const idle = [];

function newWorker() {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.postMessage({ type: 'warm' });
  return w;
}

function takeWorkers(n) {
  return Array.from({ length: n }, () => idle.pop() ?? newWorker());
}

/** Workers that finished their part go back to the pool (up to one per core). */
function release(workers) {
  for (const w of workers) {
    w.onmessage = null;
    w.onerror = null;
    if (idle.length < MAX_WORKERS && !idle.includes(w)) idle.push(w);
    else if (!idle.includes(w)) w.terminate();
  }
}

/** Stops a run: its workers may be mid-chunk, so they are ended, not reused. */
function stopWorkers() {
  for (const w of state.workers) w.terminate();
  state.workers = [];
  $('run').disabled = false;
  $('cancel').hidden = true;
}

/** Runs the simulation; `only` forces one worker (a CSV file that cannot be split). */
async function run(only) {
  stopWorkers();
  $('run-error').hidden = true;
  const now = $('now').value.trim();
  let src;
  let runInfo;
  if (source() === 'synthetic') {
    const size = Math.floor(Number($('size').value));
    const seed = Math.floor(Number($('seed').value));
    src = { kind: 'synthetic', size, seed };
    runInfo = { kind: 'synthetic', size, seed, now };
  } else {
    const file = $('file').files[0];
    if (!file) return setStatus('needFile', null, 'error');
    const format = formatOf(file) ?? (await sniffFormat(file));
    src = { kind: 'file', file, format };
    runInfo = { kind: 'file', file, format, now, seed: Math.floor(Number($('seed').value)) };
  }
  const docs = { published: state.published.doc, draft: state.draft.doc };
  // One worker per core for a large population (each decides its share; part 0 merges the
  // others' counts, exactly); one for a small one, where starting more would cost more.
  // The operator may choose the number of workers instead.
  const large = src.kind === 'synthetic' ? src.size >= PARALLEL_MIN_CLIENTS : src.file.size >= PARALLEL_MIN_BYTES;
  const chosen = Number($('workers').value);
  const parts = only === 1 ? 1 : chosen >= 1 ? chosen : large ? Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1)) : 1;
  const workers = takeWorkers(parts);
  state.workers = workers;
  document.body.dataset.workers = String(parts);
  state.progress = null;
  state.started = performance.now();
  $('run').disabled = true;
  $('cancel').hidden = false;
  $('progress').value = 0;
  $('progress').removeAttribute('data-done');
  setStatus('running');
  const progress = new Array(parts).fill(null);
  const partials = new Array(parts).fill(null);
  let waiting = parts === 1;
  const mergeWhenReady = () => {
    if (waiting && partials.slice(1).every(Boolean)) {
      const bytes = partials.slice(1);
      workers[0].postMessage({ type: 'merge', partials: bytes }, bytes.map((b) => b.buffer));
    }
  };
  const onmessage = ({ data }) => {
    if (data.type === 'progress') {
      progress[data.part] = data;
      const sum = (k) => progress.reduce((n, p) => n + (p?.[k] ?? 0), 0);
      state.progress = { unit: data.unit, done: sum('done'), total: sum('total'), clients: sum('clients'), rejected: sum('rejected') };
      if (progress.includes(null)) state.progress.total = src.kind === 'synthetic' ? src.size : src.file.size;
      scheduleProgress();
    } else if (data.type === 'partial') {
      partials[data.part] = data.bytes;
      mergeWhenReady();
    } else if (data.type === 'unsplittable') {
      run(1);
    } else if (data.type === 'waiting') {
      waiting = true;
      mergeWhenReady();
    } else if (data.type === 'done') {
      const seconds = ((performance.now() - state.started) / 1000).toFixed(2);
      state.workers = [];
      release(workers);
      stopWorkers();
      state.progress = null;
      state.report = data.report;
      state.reportDocs = docs;
      state.lastRun = runInfo;
      state.assumptionErrors = new Map();
      $('progress').value = 1;
      $('progress').dataset.done = 'true';
      setStatus('done', { n: data.report.clients.toLocaleString(), s: seconds }, 'ok');
      $('stale').hidden = true;
      $('export-json').disabled = false;
      $('export-csv').disabled = false;
      renderReport($('report'), state.report, docs);
      document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
    } else if (data.type === 'error') {
      stopWorkers();
      showRunError(data);
    }
  };
  const message = {
    type: 'run',
    published: state.published.text,
    draft: editor.text,
    now,
    assumptions: JSON.stringify(state.assumptions),
    source: src,
    parts,
  };
  workers.forEach((worker, part) => {
    worker.onmessage = (e) => {
      // A message from a worker of a run that was stopped (cancelled, failed, replaced) is stale.
      if (state.workers === workers) onmessage(e);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (state.workers !== workers) return;
      stopWorkers();
      showRunError({ code: 'WORKER', message: e.message || 'the simulation worker failed to start' });
    };
    worker.postMessage({ ...message, part });
  });
}

function showRunError(err) {
  setStatus('raw:' + t('failed') + (err.code ?? ''), null, 'error');
  const box = $('run-error');
  box.replaceChildren();
  const head = document.createElement('p');
  head.className = 'aerr';
  const side = err.side ? ` (${t(`side_${err.side}`)})` : '';
  head.textContent = `${t('failed')}${err.code}${side}: ${err.message}`;
  box.append(head);
  if (err.diagnostics?.length) {
    const ul = document.createElement('ul');
    ul.className = 'diag-list';
    for (const d of err.diagnostics) {
      const li = document.createElement('li');
      li.className = d.severity ?? 'error';
      li.textContent = `${d.severity ?? 'error'}[${d.code}] ${d.path || '/'}: ${d.message}${d.suggestion ? ` — ${d.suggestion}` : ''}`;
      ul.append(li);
    }
    box.append(ul);
  }
  box.hidden = false;
  if (err.code === 'INVALID_ASSUMPTIONS') {
    state.assumptionErrors = new Map();
    for (const d of err.diagnostics ?? []) {
      if (!state.assumptionErrors.has(d.path)) state.assumptionErrors.set(d.path, []);
      state.assumptionErrors.get(d.path).push(d);
    }
    renderAssumptionsForm();
  }
}

// ---------- exports ----------

function reportName(ext) {
  const r = state.report;
  return `clientseg-report-${r.published.ruleSet.version}-vs-${r.draft.ruleSet.version}-${r.draft.ruleSet.contentHash.replace(/^sha256:/, '').slice(0, 12)}.${ext}`;
}

// ---------- inspector ----------

function findInFile(file, format, id) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = ({ data }) => {
      w.terminate();
      if (data.type === 'error') reject(Object.assign(new Error(data.message), data));
      else resolve(data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      w.terminate();
      reject(new Error(e.message));
    };
    w.postMessage({ type: 'find', file, format, id });
  });
}

async function inspect() {
  const err = $('inspect-error');
  err.hidden = true;
  const kind = document.querySelector('input[name="inspect-kind"]:checked').value;
  const run = state.lastRun;
  const now = run?.now ?? $('now').value.trim();
  try {
    let client;
    let line = null;
    if (kind === 'synthetic') {
      const seed = run?.kind === 'synthetic' ? run.seed : Math.floor(Number($('seed').value));
      client = state.pkg.syntheticClient(Math.floor(Number($('inspect-index').value)), seed, now);
    } else {
      const file = run?.kind === 'file' ? run.file : $('file').files[0];
      if (!file) throw new Error(t('needFile'));
      const format = run?.kind === 'file' ? run.format : formatOf(file) ?? (await sniffFormat(file));
      const id = $('inspect-id').value.trim();
      const found = await findInFile(file, format, id);
      if (found.line == null) throw new Error(t('notFound', { id }));
      line = found.line;
      client = found.record ?? csvRecord(found.csv);
    }
    const decide = (text) => {
      const engine = state.pkg.Engine.compile(text);
      try {
        return engine.decide(client, { now, trace: true });
      } finally {
        engine.free();
      }
    };
    state.inspected = { client, line, a: decide(state.published.text), b: decide(editor.text), docs: { published: state.published.doc, draft: state.draft.doc } };
    renderDecisions($('inspect-out'), state.inspected);
  } catch (e) {
    err.textContent = `${e.code ? `${e.code}: ` : ''}${e.message}${e.diagnostics ? ` — ${e.diagnostics.slice(0, 3).map((d) => `${d.code} at ${d.path || '/'}: ${d.message}`).join('; ')}` : ''}`;
    err.hidden = false;
  }
}

/** A CSV row as a client record, read by the package's CSV reader (typed by the rule set). */
function csvRecord(csv) {
  const engine = state.pkg.Engine.compile(state.published.text);
  try {
    return engine.csvClient(`${csv.header}\n${csv.row}\n`);
  } finally {
    engine.free();
  }
}

// ---------- start ----------

function wire() {
  $('lang-zh').addEventListener('click', () => setLang('zh'));
  $('lang-en').addEventListener('click', () => setLang('en'));
  $('run').addEventListener('click', run);
  $('cancel').addEventListener('click', () => {
    stopWorkers();
    $('progress').value = 0;
    setStatus('cancelled');
  });
  for (const r of document.querySelectorAll('input[name="source"]')) {
    r.addEventListener('change', () => {
      const file = source() === 'file';
      $('synthetic-fields').classList.toggle('off', file);
      $('file-fields').classList.toggle('off', !file);
      markStale();
    });
  }
  for (const id of ['size', 'seed', 'now']) $(id).addEventListener('input', markStale);
  $('file').addEventListener('change', () => {
    const f = $('file').files[0];
    $('file-name').textContent = f ? `${f.name} (${(f.size / 1048576).toFixed(2)} MB)` : t('noFile');
    if (f) document.querySelector('input[name="source"][value="file"]').click();
    markStale();
  });
  $('published-file').addEventListener('change', async () => {
    const f = $('published-file').files[0];
    if (f) setPublished(await f.text());
  });
  $('draft-reset').addEventListener('click', () => editor.setText(state.published.text));
  $('draft-export').addEventListener('click', () => {
    const info = state.draft.info;
    if (info) download(`${info.id}-${info.version}-${shortHash(info)}.json`, editor.text, 'application/json');
  });
  $('assumptions-reset').addEventListener('click', () => {
    setAssumptionsText(state.assumptionsDefault);
    $('assumptions-text').value = state.assumptionsDefault;
    state.assumptionErrors = new Map();
    renderAssumptionsForm();
    markStale();
  });
  $('assumptions-raw').addEventListener('change', () => {
    const raw = $('assumptions-raw').checked;
    if (!raw && !setAssumptionsText($('assumptions-text').value)) {
      $('assumptions-raw').checked = true;
      return;
    }
    $('assumptions-text').hidden = !raw;
    $('assumptions-form').hidden = raw;
    if (!raw) renderAssumptionsForm();
  });
  $('assumptions-text').addEventListener('input', () => {
    setAssumptionsText($('assumptions-text').value);
    markStale();
  });
  $('export-json').addEventListener('click', () => download(reportName('json'), JSON.stringify(state.report, null, 2), 'application/json'));
  $('export-csv').addEventListener('click', () => download(reportName('csv'), `\ufeff${reportCsv(state.report)}`, 'text/csv'));
  $('inspect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    inspect();
  });
  $('inspect-id').addEventListener('focus', () => document.querySelector('input[name="inspect-kind"][value="file"]').click());
  $('inspect-index').addEventListener('focus', () => document.querySelector('input[name="inspect-kind"][value="synthetic"]').click());
  onLangChange(() => {
    for (const b of ['lang-zh', 'lang-en']) $(b).classList.toggle('on', b === `lang-${getLang()}`);
    setStatus(state.status.key, state.status.vars, state.status.cls);
    if (editor) {
      editor.repaintLanguage();
      renderThresholds($('thresholds'), state.draft.doc, editFromForm);
      $('draft-info').textContent = state.draft.info ? describe(state.draft.info) : t('invalidRules');
      renderAssumptionsForm();
    }
    if (!$('file').files[0]) $('file-name').textContent = t('noFile');
    if (state.report) renderReport($('report'), state.report, state.reportDocs);
    if (state.inspected) renderDecisions($('inspect-out'), state.inspected);
  });
}

async function main() {
  wire();
  initLang();
  try {
    state.pkg = await import('../pkg/web/simulation.js');
    const [rules, assumptions] = await Promise.all(
      [RULES_URL, ASSUMPTIONS_URL].map(async (u) => {
        const r = await fetch(u);
        if (!r.ok) throw new Error(`${u.pathname}: HTTP ${r.status}`);
        return r.text();
      }),
    );
    if (!setPublished(rules)) throw new Error(`${RULES_URL.pathname}: ${$('published-error').textContent}`);
    state.assumptionsDefault = assumptions;
    setAssumptionsText(assumptions);
    $('assumptions-text').value = assumptions;
    renderAssumptionsForm();
  } catch (e) {
    $('fatal').textContent = t('loadFailed') + e.message;
    $('fatal').hidden = false;
    setStatus('raw:' + t('loadFailed') + e.message, null, 'error');
    return;
  }
  $('pkg-version').textContent = `${t('engine')} clientseg ${state.pkg.version()}`;
  editor = new JsonEditor({
    textarea: $('draft-text'),
    backdrop: $('draft-backdrop'),
    list: $('diag-list'),
    summary: $('diag-summary'),
    validate: (text) => state.pkg.validateRules(text),
    onChange: (change) => onDraftChange(change, editingFromForm),
  });
  editor.setText(state.published.text);
  $('stale').hidden = true;
  $('file-fields').classList.add('off');
  $('run').disabled = false;
  setStatus('ready');
  idle.push(...Array.from({ length: Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1) }, newWorker));
  document.body.dataset.ready = 'true';
}

main();
