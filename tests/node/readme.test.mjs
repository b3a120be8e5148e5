// The README's JavaScript example runs verbatim against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the README JavaScript example runs as written', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it from JavaScript'));
  const code = section.match(/```js\n([\s\S]*?)```/)[1];
  // An app directory with the package installed as node_modules/clientseg.
  const app = mkdtempSync(join(tmpdir(), 'clientseg-readme-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(join(root, 'pkg'), join(app, 'node_modules', 'clientseg'), 'dir');
  writeFileSync(join(app, 'example.mjs'), code);
  const out = execFileSync(process.execPath, [join(app, 'example.mjs')], { cwd: app, encoding: 'utf8' });
  assert.match(out, /high_potential_new/);
  assert.match(out, /INVALID_CLIENT \/aum/);
  assert.match(out, /missing-key at/);
  assert.match(out, /^true$/m);
});
