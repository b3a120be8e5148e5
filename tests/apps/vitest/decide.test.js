// A Vitest test of an app's code that uses clientseg (Vitest runs in Node: the package's `node` build).
import { expect, test } from 'vitest';
import { Engine } from 'clientseg';
import rules from 'clientseg/rules/internet-branch.json';
import { client } from '../show.js';

test('the default pack puts the known client in high_potential_new', () => {
  const decision = Engine.compile(rules).decide(client, { now: '2026-11-25T10:00:00+08:00' });
  expect(decision.primaryLayer).toBe('high_potential_new');
  expect(decision.actions.length).toBeGreaterThan(0);
});
