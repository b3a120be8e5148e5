// Issue 4's speed benchmark: the admin page's A/B simulation over N synthetic clients in headless
// Chromium, timed from the click on "run" to the report on the page (worker start, the wasm
// simulation in chunks, the report's rendering). Nothing is asserted; it prints the runs' median.
//
//   node bench/www-simulate.mjs [--size 1000000] [--runs 3] [--workers auto|1|2|3|4]
//
// `--workers` sets the page's worker count (default: auto, one per core from 50,000 clients).
//
// Needs pkg/ (`.ci/build-pkg`) and Chromium + playwright-core (`.ci/setup` installs both).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(root, 'tests', 'apps', 'package.json'))('playwright-core');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const size = arg('size', 1_000_000);
const runs = arg('runs', 3);
const workersArg = process.argv.includes('--workers') ? process.argv[process.argv.indexOf('--workers') + 1] : 'auto';

const server = spawn(process.execPath, [join(root, 'www', 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/www\/)$/m);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`www/serve.mjs exited (${code}): ${out}`)));
});
const profile = mkdtempSync(join(tmpdir(), 'clientseg-www-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  await page.fill('#size', String(size));
  await page.selectOption('#workers', workersArg);
  const seconds = [];
  let workers = 0; // as the page chose them (`auto`: one per core from 50,000 clients)
  for (let r = 1; r <= runs; r++) {
    const t = performance.now();
    await page.click('#run');
    await page.waitForSelector(`body[data-runs="${r}"]`, { timeout: 1_800_000 });
    seconds.push((performance.now() - t) / 1000);
    workers = Number(await page.$eval('body', (b) => b.dataset.workers));
    const clients = await page.$eval('#report [data-k="/clients"]', (e) => e.dataset.v).catch(() => '?');
    console.log(`run ${r}: ${seconds.at(-1).toFixed(2)} s (${clients} clients on the report)`);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)];
  console.log(
    `admin page A/B simulation, ${size.toLocaleString('en')} synthetic clients, Chromium, ${workers} worker${workers > 1 ? 's' : ''} ` +
      `(${cpus().length} cores, ${cpus()[0]?.model.trim()}): median ${median.toFixed(2)} s ` +
      `(min ${seconds[0].toFixed(2)}, max ${seconds.at(-1).toFixed(2)}, ${runs} runs); ` +
      `${Math.round(size / median).toLocaleString('en')} clients/s`,
  );
} finally {
  await context.close();
  server.kill();
  rmSync(profile, { recursive: true, force: true });
}
