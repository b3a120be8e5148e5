// The README's JavaScript example runs verbatim against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs one README code block in an app directory that has the package as node_modules/clientseg. */
function run(code) {
  const app = mkdtempSync(join(tmpdir(), 'clientseg-readme-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(join(root, 'pkg'), join(app, 'node_modules', 'clientseg'), 'dir');
  writeFileSync(join(app, 'example.mjs'), code);
  return execFileSync(process.execPath, [join(app, 'example.mjs')], { cwd: app, encoding: 'utf8' });
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Use it from JavaScript'), readme.indexOf('## Use it in your app'));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README JavaScript example runs as written', () => {
  const out = run(blocks[0]);
  assert.match(out, /high_potential_new/);
  assert.match(out, /INVALID_CLIENT \/aum/);
  assert.match(out, /missing-key at/);
  assert.match(out, /^true$/m);
});

test('the README simulation example runs as written', () => {
  assert.equal(blocks.length, 2, 'two JavaScript examples in the section');
  const out = run(blocks[1]);
  const [, clients, changed] = out.match(/^(\d+) clients; (\d+) get other actions$/m);
  assert.equal(clients, '20000');
  assert.ok(Number(changed) > 0, out);
  const [, a, b] = out.match(/^push A→B: (\d+) → (\d+)$/m);
  assert.ok(Number(b) < Number(a), `a tighter push cap sends fewer pushes: ${out}`);
  assert.match(out, /^revenue B: \d+ CNY 承做 \d+$/m);
});
