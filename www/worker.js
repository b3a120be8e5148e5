// The simulation worker (a module Web Worker): feeds the package's Simulation in chunks and
// posts progress, so the page stays responsive. The page splits a large population between
// several of these, one per core: part 0 keeps its Simulation and merges the others' partial
// counts (`Simulation.partial()` / `merge()`: the merged report equals one simulation's over the
// whole population). Also finds one client in an uploaded file for the inspector. Messages:
//   → {type: 'warm'}: load the package now (the page keeps a few workers ready between runs)
//   → {type: 'run', published, draft, now, assumptions, part, parts,
//      source: {kind: 'synthetic', size, seed} | {kind: 'file', file, format}}
//   ← {type: 'progress', part, done, total, unit: 'clients'|'bytes', clients, rejected}
//   ← part 0: {type: 'done', report} when it runs alone; otherwise {type: 'waiting'}, then
//     → {type: 'merge', partials: [bytes of part 1, part 2, ...]}   ← {type: 'done', report}
//   ← parts 1..: {type: 'partial', part, bytes}, or {type: 'unsplittable', part} for a CSV file
//     whose header row cannot be read (the page then runs it in one worker)
//   → {type: 'find', file, format, id}   ← {type: 'found', record | csv: {header, row}, line} | {type: 'found', line: null}
//   ← {type: 'error', code, side?, message, diagnostics?}

// Load the package on the first message rather than with a static import: a module worker's
// messages could otherwise arrive while its top-level await (wasm instantiation) is pending.
let pkgPromise = null;
const pkg = () => (pkgPromise ??= import('../pkg/web/simulation.js'));

const CLIENTS_PER_CHUNK = 10_000;
const BYTES_PER_CHUNK = 1 << 20;

/** Part 0's simulation while it waits for the other parts' counts. */
let waiting = null;

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'warm') {
      // Load the package ahead of the first run; a failure is reported by that run.
      await pkg().catch(() => (pkgPromise = null));
    } else if (msg.type === 'run') await run(await pkg(), msg);
    else if (msg.type === 'merge') merge(msg);
    else if (msg.type === 'find') await find(msg);
  } catch (err) {
    self.postMessage({
      type: 'error',
      code: err?.code ?? 'ERROR',
      side: err?.side ?? null,
      message: String(err?.message ?? err),
      diagnostics: err?.diagnostics ?? null,
    });
  }
};

async function run({ Simulation }, { published, draft, now, assumptions, source, part = 0, parts = 1 }) {
  const sim = new Simulation(published, draft, { now, assumptions });
  let keep = false;
  try {
    const progress = (done, total, unit, r) =>
      self.postMessage({ type: 'progress', part, done, total, unit, clients: r.clients, rejected: r.rejected });
    if (source.kind === 'synthetic') {
      // Part k decides clients [size·k/parts, size·(k+1)/parts) of the seeded population.
      const from = Math.floor((source.size * part) / parts);
      const to = Math.floor((source.size * (part + 1)) / parts);
      progress(0, to - from, 'clients', { clients: 0, rejected: 0 });
      for (let start = from; start < to; start += CLIENTS_PER_CHUNK) {
        const count = Math.min(CLIENTS_PER_CHUNK, to - start);
        progress(start + count - from, to - from, 'clients', sim.addSynthetic(start, count, source.seed));
      }
    } else {
      // Part k reads the lines that start in its share of the bytes; a later part of a CSV file
      // is given the file's header row.
      const { file, format } = source;
      const from = await lineStart(file, Math.floor((file.size * part) / parts));
      const to = await lineStart(file, Math.floor((file.size * (part + 1)) / parts));
      if (format === 'csv' && from > 0) {
        try {
          sim.continueCsv(new TextDecoder().decode(await file.slice(0, await lineStart(file, 1)).arrayBuffer()));
        } catch (err) {
          if (err?.code !== 'INVALID_INPUT') throw err;
          // An unreadable header row: one worker reads the file from its start and reports it.
          self.postMessage({ type: 'unsplittable', part });
          return;
        }
      }
      const add = format === 'csv' ? (b) => sim.addCsv(b) : (b) => sim.addNdjson(b);
      progress(0, to - from, 'bytes', { clients: 0, rejected: 0 });
      for (let off = from; off < to; off += BYTES_PER_CHUNK) {
        const end = Math.min(to, off + BYTES_PER_CHUNK);
        progress(end - from, to - from, 'bytes', add(new Uint8Array(await file.slice(off, end).arrayBuffer())));
      }
    }
    if (part > 0) {
      const bytes = sim.partial();
      self.postMessage({ type: 'partial', part, bytes }, [bytes.buffer]);
    } else if (parts > 1) {
      sim.finish();
      waiting = sim;
      keep = true;
      self.postMessage({ type: 'waiting' });
    } else {
      sim.finish();
      self.postMessage({ type: 'done', report: sim.report() });
    }
  } finally {
    if (!keep) sim.free?.();
  }
}

/** Part 0: adds the other parts' counts, in population order, and posts the report. */
function merge({ partials }) {
  const sim = waiting;
  waiting = null;
  try {
    for (const bytes of partials) sim.merge(bytes);
    self.postMessage({ type: 'done', report: sim.report() });
  } finally {
    sim.free?.();
  }
}

/** The offset of the first line that starts at or after `pos` (0 for 0; the size at the end). */
async function lineStart(file, pos) {
  if (pos <= 0) return 0;
  for (let off = pos - 1; off < file.size; off += 1 << 16) {
    const bytes = new Uint8Array(await file.slice(off, off + (1 << 16)).arrayBuffer());
    const nl = bytes.indexOf(10);
    if (nl >= 0) return off + nl + 1;
  }
  return file.size;
}

/** Splits one CSV line into cells (RFC 4180 quoting on one line), to find the id column. */
function csvCells(line) {
  const cells = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return cells.concat(v + line.slice(i));
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(v);
      if (line[i] === ',') i++;
      else return cells;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) return cells.concat(line.slice(i));
      cells.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** Finds the first record with `id` in an uploaded file, reading it line by line in chunks. */
async function find({ file, format, id }) {
  const decoder = new TextDecoder();
  let rest = '';
  let lineNo = 0;
  let header = null;
  let idCol = -1;
  const check = (line) => {
    lineNo++;
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (format === 'csv') {
      if (header === null) {
        header = text.replace(/^\ufeff/, '');
        idCol = csvCells(header).indexOf('id');
        return null;
      }
      if (idCol >= 0 && text.includes(id) && csvCells(text)[idCol] === id) return { csv: { header, row: text }, line: lineNo };
      return null;
    }
    if (!text.includes(id)) return null;
    try {
      const record = JSON.parse(text);
      if (record && String(record.id) === id) return { record, line: lineNo };
    } catch {
      // a bad line is reported by the simulation; here it is simply not the client sought
    }
    return null;
  };
  for (let off = 0; off < file.size; off += BYTES_PER_CHUNK) {
    const chunk = decoder.decode(await file.slice(off, off + BYTES_PER_CHUNK).arrayBuffer(), { stream: true });
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const hit = check(line);
      if (hit) return self.postMessage({ type: 'found', ...hit });
    }
  }
  const hit = rest ? check(rest + decoder.decode()) : null;
  self.postMessage({ type: 'found', ...(hit ?? { line: null }) });
}
