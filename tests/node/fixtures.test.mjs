// The core's fixture cases (tests/fixtures/*.json) through the built npm package, in Node.
// Same files and the same matching rules as tests/fixtures.rs (see tests/fixtures/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Engine, validateRules } from '../../pkg/node/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'tests', 'fixtures');

// `expected` matches `actual` when every key it lists matches: objects by listed keys (null =
// absent), arrays element by element with equal length, numbers within 1e-9.
function matches(expected, actual, path, errs) {
  if (expected === null && actual === undefined) return;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      errs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((e, i) => matches(e, actual[i], `${path}/${i}`, errs));
  } else if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      errs.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    for (const [k, v] of Object.entries(expected)) matches(v, actual[k], `${path}/${k}`, errs);
  } else if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(expected - actual) > 1e-9 * Math.max(Math.abs(expected), 1)) errs.push(`${path}: expected ${expected}, got ${actual}`);
  } else if (expected !== actual) {
    errs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function view(d) {
  const reasons = {};
  for (const r of d.notChosen) reasons[r.id] = r.reason;
  return {
    tags: d.tags, primaryLayer: d.primaryLayer, layers: d.layers, actions: d.actions, reasons,
    controlGroups: d.controlGroups, explanation: d.explanation, trace: d.trace ?? null,
  };
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
assert.ok(files.length >= 40, `at least 40 fixture cases, found ${files.length}`);

for (const file of files) {
  const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  test(`${file}: ${fixture.description}`, () => {
    const rules = typeof fixture.rules === 'string'
      ? readFileSync(join(root, 'rules', `${fixture.rules}.json`), 'utf8')
      : fixture.rules;
    const expected = fixture.expected;
    const errs = [];
    let engine;
    try {
      engine = Engine.compile(rules);
    } catch (e) {
      assert.ok(expected.diagnostics, `rules do not compile: ${e.message}`);
      assert.equal(e.code, 'INVALID_RULES');
      matches(expected.diagnostics, e.diagnostics, '/diagnostics', errs);
      assert.deepEqual(errs, []);
      return;
    }
    if (expected.diagnostics) {
      // The rules compile: the expected diagnostics are warnings.
      matches(expected.diagnostics, validateRules(rules), '/diagnostics', errs);
      assert.deepEqual(errs, []);
      return;
    }
    const options = { now: fixture.now, event: fixture.event, trace: fixture.trace ?? false };
    try {
      const decision = engine.decide(fixture.client, options);
      assert.ok(!expected.recordErrors, `the client was accepted: ${JSON.stringify(view(decision))}`);
      matches(expected, view(decision), '', errs);
    } catch (e) {
      if (!expected.recordErrors || e.code !== 'INVALID_CLIENT') throw e;
      matches(expected.recordErrors, e.diagnostics, '/recordErrors', errs);
    }
    assert.deepEqual(errs, []);
  });
}
