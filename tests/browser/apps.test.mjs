// The built npm package (pkg/) as a user gets it: `npm pack pkg`, installed into tests/apps/ (a
// real copy in node_modules, as from the registry), then used from a Vite app (production build
// and dev server), a webpack app, a plain <script type="module"> page, Node (require and import)
// and Vitest. Each page is loaded in headless Chromium (/usr/bin/chromium through playwright-core)
// from a local server on 127.0.0.1; the test asserts the decision written into the page, zero
// console errors or warnings, no failed request and no request to any other host, and saves a
// screenshot per app under target/artefacts/.
//
// Run: node --test tests/browser/apps.test.mjs  (after .ci/build-pkg; .ci/setup installs tests/apps/ and Chromium)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const apps = join(root, 'tests', 'apps');
const out = join(root, 'target', 'apps');
const artefacts = join(root, 'target', 'artefacts');
const { chromium } = createRequire(join(apps, 'package.json'))('playwright-core');

// Keep Chromium off the network (the machine has none beyond the package registries).
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const EXPECTED_LAYER = 'high_potential_new'; // the client in tests/apps/show.js

/** Runs a command; on failure the error carries its whole output. */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout}\n${e.stderr}`);
  }
}
const node = (args, cwd) => run(process.execPath, args, cwd);

before(() => {
  assert.ok(existsSync(join(root, 'pkg', 'package.json')), 'pkg/ is missing: run .ci/build-pkg first');
  assert.ok(existsSync(join(apps, 'node_modules', 'playwright-core')), 'tests/apps/ is not installed: run .ci/setup');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(artefacts, { recursive: true });
  // The package as users get it: a tarball, installed (copied) into node_modules. --no-save keeps
  // it out of package.json and the lockfile, which pin only the tools (the tarball changes with
  // every build, and with it its hash).
  const [{ filename }] = JSON.parse(run('npm', ['pack', join(root, 'pkg'), '--json', '--pack-destination', out], root));
  rmSync(join(apps, 'node_modules', 'clientseg'), { recursive: true, force: true }); // never last build's copy
  run('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', join(out, filename)], apps);
});

/**
 * Loads `url` in a fresh Chromium profile and waits until `ready` (a function run in the page)
 * returns a value, or the first problem. Returns `{ value, problems, foreign }`; saves
 * target/artefacts/app-<name>.png.
 */
async function load(name, url, ready) {
  const profile = mkdtempSync(join(tmpdir(), 'clientseg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1000, height: 800 },
  });
  const problems = [];
  const foreign = [];
  let failed;
  const failedNow = new Promise((resolve) => { failed = resolve; });
  const problem = (text) => { problems.push(text); failed(); };
  try {
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === '127.0.0.1') return route.continue();
      foreign.push(u.href);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problem(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problem(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => problem(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => { if (r.status() >= 400) problem(`HTTP ${r.status()}: ${r.url()}`); });
    await page.goto(url);
    // The result, or the first error (the timeout is a hang guard only: no timing is asserted).
    const waiting = page.waitForFunction(ready, null, { timeout: 60_000, polling: 100 });
    waiting.catch(() => {}); // settled by `failedNow` instead
    await Promise.race([waiting, failedNow]);
    await page.waitForLoadState('networkidle');
    const value = await page.evaluate(ready);
    await page.screenshot({ path: join(artefacts, `app-${name}.png`), fullPage: true });
    return { value, problems, foreign };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Loads the page; asserts no problem and no other host; returns what `ready` returned. */
async function assertPage(name, url, ready = () => document.body.dataset.primaryLayer) {
  const { value, problems, foreign } = await load(name, url, ready);
  assert.deepEqual(problems, [], `${name}: console errors, warnings or failed requests`);
  assert.deepEqual(foreign, [], `${name}: requests to other hosts`);
  return value;
}
const assertDecision = async (name, url) =>
  assert.equal(await assertPage(name, url), EXPECTED_LAYER, `${name}: the decision written into the page`);

async function withServer(dir, fn) {
  const server = await serve(dir);
  try {
    return await fn(server.url);
  } finally {
    await server.close();
  }
}

test('vite (production build) in Chromium', async () => {
  node([join(apps, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', join(out, 'vite'), '--emptyOutDir'], join(apps, 'vite'));
  await withServer(join(out, 'vite'), (url) => assertDecision('vite', url));
});

test('vite-dev (dev server) in Chromium', async () => {
  const vite = spawn(process.execPath, [join(apps, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', '0', '--clearScreen', 'false'], {
    cwd: join(apps, 'vite'), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  try {
    const url = await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        log += chunk;
        const m = log.replace(/\x1b\[[0-9;]*m/g, '').match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/);
        if (m) resolve(m[1]);
      };
      vite.stdout.on('data', onData);
      vite.stderr.on('data', onData);
      vite.once('exit', (code) => reject(new Error(`vite dev server exited (${code}):\n${log}`)));
    });
    await assertDecision('vite-dev', url);
  } finally {
    vite.kill();
  }
});

test('webpack (production build) in Chromium', async () => {
  const dist = join(out, 'webpack');
  node([join(apps, 'node_modules/webpack-cli/bin/cli.js'), '--output-path', dist], join(apps, 'webpack'));
  cpSync(join(apps, 'webpack', 'index.html'), join(dist, 'index.html'));
  await withServer(dist, (url) => assertDecision('webpack', url));
});

test('plain (<script type="module"> page) in Chromium', async () => {
  // Served from the repository root: the page imports ../../../pkg/web/index.js by path.
  await withServer(root, (url) => assertDecision('plain', `${url}tests/apps/plain/index.html`));
});

test('node (require and import of the installed package) in Node', () => {
  assert.equal(node([join(apps, 'node', 'app.cjs')], apps).trim(), `require: ${EXPECTED_LAYER}`);
  assert.equal(node([join(apps, 'node', 'app.mjs')], apps).trim(), `import: ${EXPECTED_LAYER}`);
});

test('vitest (a test that imports the installed package) in Node', () => {
  const output = node([join(apps, 'node_modules/vitest/vitest.mjs'), 'run', '--root', join(apps, 'vitest')], apps);
  assert.match(output, /Tests\s+1 passed/);
});

// The README's "Use it in your app" examples are the code tested here.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const start = readme.indexOf('## Use it in your app');
const section = readme.slice(start, readme.indexOf('\n## ', start));
const blocks = (lang) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
/** A file's text without its leading comment lines (the README shows the code only). */
const code = (file) => readFileSync(file, 'utf8').replace(/^(\/\/.*\n)+/, '');

test('readme (its Node and Vite examples are the files tested here) in Node', () => {
  const js = blocks('js');
  assert.ok(js.includes(code(join(apps, 'node', 'app.mjs'))), 'README: the ES module example is tests/apps/node/app.mjs');
  assert.ok(js.includes(code(join(apps, 'node', 'app.cjs'))), 'README: the CommonJS example is tests/apps/node/app.cjs');
  const config = `// vite.config.js\n${code(join(apps, 'vite', 'vite.config.js'))}`;
  assert.ok(js.includes(config), 'README: the Vite config is tests/apps/vite/vite.config.js');
});

test('readme-plain (the README plain page, verbatim) in Chromium', async () => {
  const [html] = blocks('html');
  const site = join(out, 'readme-plain');
  cpSync(join(apps, 'node_modules', 'clientseg'), join(site, 'clientseg'), { recursive: true });
  const page = `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<body>\n${html}</body>\n`;
  writeFileSync(join(site, 'index.html'), page);
  const ready = () => document.body.textContent.includes('Client c0000042') && document.body.textContent;
  const text = await withServer(site, (url) => assertPage('readme-plain', url, ready));
  assert.match(text, /Client c0000042 is in layer/);
});
