// Node, ES module: `import ... from 'clientseg'` resolves to the package's nodejs build.
import { Engine } from 'clientseg';
import rules from 'clientseg/rules/internet-branch.json' with { type: 'json' };

const decision = Engine.compile(rules).decide(
  { id: 'c0000042', account_opened_at: '2026-11-03T09:00:00+08:00', logins_30d: 9, consent_push: true },
  { now: '2026-11-25T10:00:00+08:00' },
);
console.log(`import: ${decision.primaryLayer}`);
