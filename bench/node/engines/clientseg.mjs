// clientseg from the built npm package (pkg/, Node build): one engine compiled from the rule pack.
// Many clients cross the boundary once (`decideBatch`), a single decision through `decide`.

import { createRequire } from 'node:module';
import path from 'node:path';

export const name = 'clientseg';
export const label = 'clientseg (wasm)';

export function pkgDir() {
  return process.env.CLIENTSEG_PKG || path.resolve(import.meta.dirname, '../../../pkg');
}

export function importPackage() {
  return createRequire(import.meta.url)(path.join(pkgDir(), 'node', 'clientseg.js'));
}

/** The package's second module (`clientseg/simulation`): the synthetic population lives there. */
export function importSimulation() {
  return createRequire(import.meta.url)(path.join(pkgDir(), 'node', 'clientseg_simulation.js'));
}

export function load({ rulesText, now }) {
  const cs = importPackage();
  const engine = cs.Engine.compile(rulesText);
  const opts = { now };
  // A single decision as the peers make it: layer, tags and actions, without the zh/en words
  // (`explain: false`); the output check compares exactly these.
  const single = { now, explain: false };

  function decide(client) {
    const d = engine.decide(client, single);
    return { layer: d.primaryLayer ?? null, tags: d.tags, actions: d.actions.map((a) => a.id) };
  }

  /** Array of client objects → the compact batch result. */
  function decideMany(clients) {
    return engine.decideBatch(clients, opts);
  }

  /** NDJSON bytes → the batch result, in chunks of about `chunkBytes` cut at line ends. */
  function decideNdjson(bytes, onResult, chunkBytes = 4 << 20) {
    let start = 0;
    while (start < bytes.length) {
      let end = Math.min(bytes.length, start + chunkBytes);
      if (end < bytes.length) {
        const nl = bytes.indexOf(10, end);
        end = nl < 0 ? bytes.length : nl + 1;
      }
      onResult(engine.decideBatch(bytes.subarray(start, end), opts));
      start = end;
    }
  }

  return { decide, decideMany, decideNdjson, engine, module: cs };
}
