// The simulation worker (a module Web Worker): feeds the package's Simulation in chunks and
// posts progress, so the page stays responsive. Also finds one client in an uploaded file for
// the inspector. Messages:
//   → {type: 'run', published, draft, now, assumptions, source: {kind: 'synthetic', size, seed}
//                                                              | {kind: 'file', file, format}}
//   ← {type: 'progress', done, total, unit: 'clients'|'bytes', clients, rejected}
//   ← {type: 'done', report}
//   → {type: 'find', file, format, id}   ← {type: 'found', record | csv: {header, row}, line} | {type: 'found', line: null}
//   ← {type: 'error', code, side?, message, diagnostics?}

// Load the package on the first message rather than with a static import: a module worker's
// messages could otherwise arrive while its top-level await (wasm instantiation) is pending.
let pkgPromise = null;
const pkg = () => (pkgPromise ??= import('../pkg/web/index.js'));

const CLIENTS_PER_CHUNK = 10_000;
const BYTES_PER_CHUNK = 1 << 20;

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'run') await run(await pkg(), msg);
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

async function run({ Simulation }, { published, draft, now, assumptions, source }) {
  const sim = new Simulation(published, draft, { now, assumptions });
  try {
    if (source.kind === 'synthetic') {
      const { size, seed } = source;
      self.postMessage({ type: 'progress', done: 0, total: size, unit: 'clients', clients: 0, rejected: 0 });
      for (let start = 0; start < size; start += CLIENTS_PER_CHUNK) {
        const count = Math.min(CLIENTS_PER_CHUNK, size - start);
        const r = sim.addSynthetic(start, count, seed);
        self.postMessage({ type: 'progress', done: start + count, total: size, unit: 'clients', clients: r.clients, rejected: r.rejected });
      }
    } else {
      const { file, format } = source;
      const add = format === 'csv' ? (b) => sim.addCsv(b) : (b) => sim.addNdjson(b);
      self.postMessage({ type: 'progress', done: 0, total: file.size, unit: 'bytes', clients: 0, rejected: 0 });
      for (let off = 0; off < file.size; off += BYTES_PER_CHUNK) {
        const bytes = new Uint8Array(await file.slice(off, off + BYTES_PER_CHUNK).arrayBuffer());
        const r = add(bytes);
        self.postMessage({ type: 'progress', done: Math.min(file.size, off + BYTES_PER_CHUNK), total: file.size, unit: 'bytes', clients: r.clients, rejected: r.rejected });
      }
    }
    sim.finish();
    self.postMessage({ type: 'done', report: sim.report() });
  } finally {
    sim.free?.();
  }
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
