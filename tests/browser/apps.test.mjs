// The built npm package (pkg/) as a user gets it: `npm pack pkg`, installed into tests/apps/ (a
// real copy in node_modules, as from the registry), then used from a Vite app (production build
// and dev server), a webpack app, a plain <script type="module"> page, Node (require and import)
// and Vitest. Each page is loaded in headless Chromium (/usr/bin/chromium through playwright-core)
// from a local server on 127.0.0.1; the test asserts the decision written into the page, zero
// console errors or warnings, no failed request and no request to any other host, and saves a
// screenshot per app under target/artefacts/.
//
// Run: node --test tests/browser/  (after .ci/build-pkg; .ci/setup installs tests/apps/ and Chromium)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  run('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', join(out, filename)], apps);
});

/**
 * Loads `url` in a fresh Chromium profile; waits for the decision or the first problem.
 * Returns `{ layer, problems, foreign }`; saves target/artefacts/app-<name>.png.
 */
async function load(name, url) {
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
    // The decision, or the first error (a hang guard only: no timing is asserted).
    await Promise.race([
      page.waitForFunction(() => document.body.dataset.primaryLayer, null, { timeout: 60_000, polling: 100 }),
      failedNow,
    ]);
    await page.waitForLoadState('networkidle');
    const layer = await page.evaluate(() => document.body.dataset.primaryLayer ?? null);
    await page.screenshot({ path: join(artefacts, `app-${name}.png`), fullPage: true });
    return { layer, problems, foreign };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function assertPage(name, url) {
  const { layer, problems, foreign } = await load(name, url);
  assert.deepEqual(problems, [], `${name}: console errors, warnings or failed requests`);
  assert.deepEqual(foreign, [], `${name}: requests to other hosts`);
  assert.equal(layer, EXPECTED_LAYER, `${name}: the decision written into the page`);
}

async function withServer(dir, fn) {
  const server = await serve(dir);
  try {
    return await fn(server.url);
  } finally {
    await server.close();
  }
}

test('Vite: production build in Chromium', async () => {
  node([join(apps, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', join(out, 'vite'), '--emptyOutDir'], join(apps, 'vite'));
  await withServer(join(out, 'vite'), (url) => assertPage('vite', url));
});

test('Vite: dev server in Chromium', async () => {
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
    await assertPage('vite-dev', url);
  } finally {
    vite.kill();
  }
});

test('webpack: production build in Chromium', async () => {
  const dist = join(out, 'webpack');
  node([join(apps, 'node_modules/webpack-cli/bin/cli.js'), '--output-path', dist], join(apps, 'webpack'));
  cpSync(join(apps, 'webpack', 'index.html'), join(dist, 'index.html'));
  await withServer(dist, (url) => assertPage('webpack', url));
});

test('plain <script type="module"> page in Chromium', async () => {
  // Served from the repository root: the page imports ../../../pkg/web/index.js by path.
  await withServer(root, (url) => assertPage('plain', `${url}tests/apps/plain/index.html`));
});

test('Node: require and import of the installed package', () => {
  assert.equal(node([join(apps, 'node', 'app.cjs')], apps).trim(), `require: ${EXPECTED_LAYER}`);
  assert.equal(node([join(apps, 'node', 'app.mjs')], apps).trim(), `import: ${EXPECTED_LAYER}`);
});

test('Vitest: a test that imports the installed package', () => {
  const output = node([join(apps, 'node_modules/vitest/vitest.mjs'), 'run', '--root', join(apps, 'vitest')], apps);
  assert.match(output, /Tests\s+1 passed/);
});
