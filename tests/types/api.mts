// Type test of the npm package: the README's JavaScript usage, type-checked against the built
// package's declarations (pkg/node/clientseg.d.ts and pkg/web/index.d.ts, through package.json
// `exports`; the simulation and the synthetic population from `clientseg/simulation`,
// pkg/node/clientseg_simulation.d.ts and pkg/web/simulation.d.ts). Each `@ts-expect-error` line is a mistake the types must reject: tsc fails when one
// is accepted, so this also proves the API is not typed `any`. Run by .ci/test:
//   tsc --noEmit -p tests/types/tsconfig.node.json && tsc --noEmit -p tests/types/tsconfig.web.json
import {
  Engine,
  applyLogic,
  schemaVersion,
  validateRules,
  version,
  type BatchResult,
  type ChosenAction,
  type Client,
  type ClientsegError,
  type DecideOptions,
  type Decision,
  type Diagnostic,
  type EngineInfo,
  type JsonValue,
  type NotChosenReason,
  type RecordError,
  type RuleSet,
  type Assumptions,
  type SimulationProgress,
  type SimulationReport,
} from 'clientseg';
import {
  Simulation,
  Engine as SimulationEngine,
  generatePopulation,
  generatePopulationNdjson,
  syntheticClient,
} from 'clientseg/simulation';
// @ts-expect-error the module apps load has no simulation: it comes from `clientseg/simulation`
import { Simulation as NotInTheCore } from 'clientseg';
// @ts-expect-error nor the synthetic population
import { generatePopulation as NotInTheCoreEither } from 'clientseg';
show(NotInTheCore, NotInTheCoreEither);

// Stand-ins for what the README gets from node:fs and the console (no @types/node or DOM here).
declare function show(...values: unknown[]): void;
declare const rulesText: string; // readFileSync(require.resolve('clientseg/rules/internet-branch.json'), 'utf8')
declare const ndjson: Uint8Array; // NDJSON bytes, e.g. readFileSync('clients.ndjson')
declare const csvBytes: Uint8Array; // CSV bytes with a header row, e.g. readFileSync('clients.csv')

// --- Rules: a typed literal, JSON text, or whatever JSON.parse returns ---
const names = (zh: string, en: string) => ({ zh, en });
const rules: RuleSet = {
  schemaVersion: 1,
  id: 'types-demo',
  version: '2026.11.1',
  name: names('类型示例', 'Types demo'),
  timeZone: '+08:00',
  fields: [
    { id: 'account_opened_at', type: 'datetime', purpose: 'new-client welcome' },
    { id: 'aum', type: 'number', unit: 'CNY', sensitive: true, purpose: 'asset bands' },
    { id: 'risk_class', type: 'enum', values: ['C1', 'C2', 'C3', 'C4', 'C5'], purpose: 'suitability', required: false },
    { id: 'consent_push', type: 'boolean', purpose: 'marketing consent' },
    { id: 'holdings', type: 'list', purpose: 'product mix' },
  ],
  events: [{ id: 'deposit', properties: { amount: 'number' } }],
  tags: [
    { id: 'new_client', name: names('新客', 'New client'), when: { '<=': [{ days_since: { var: 'account_opened_at' } }, 30] } },
    {
      id: 'asset_band',
      name: names('资产段', 'Asset band'),
      tiers: [
        { id: 'lt_10k', name: names('1万以下', 'Under 10k'), when: { '<': [{ var: 'aum' }, 10000] } },
        { id: 'ge_10k', name: names('1万及以上', '10k and more'), when: true },
      ],
    },
  ],
  layers: [
    { id: 'new', name: names('新客', 'New'), when: { tag: 'new_client' } },
    { id: 'other', name: names('其他', 'Other') },
  ],
  defaultLayer: 'other',
  sops: [{ id: 'welcome', name: names('新客欢迎', 'Welcome') }],
  actions: [
    {
      id: 'welcome_push',
      name: names('欢迎推送', 'Welcome push'),
      sop: 'welcome',
      channel: 'push',
      content: 'service',
      when: { tag: 'new_client' },
      score: { propensity: 0.6, value: { if: [{ tag: ['asset_band', 'lt_10k'] }, 1, 2] } },
      cooldownDays: 7,
      triggers: ['deposit'],
    },
  ],
  holdout: { salt: '2026Q4', sops: { welcome: 0.05 } },
  consent: { channels: { push: 'consent_push', in_app: true }, personalisation: 'consent_push' },
  contactPolicy: {
    channels: { push: { max: 2, windowDays: 7 } },
    global: { max: 3, windowDays: 7 },
    quietHours: { start: '22:00', end: '08:00', mode: 'defer' },
    suppression: { rejections: 2, windowDays: 30, pauseDays: 60, scope: 'sop' },
    maxActionsPerDecision: 1,
  },
  suitability: { investorClassField: 'risk_class', validityDays: 730 },
};
const engine: Engine = Engine.compile(rules);
Engine.compile(rulesText);
Engine.compile(JSON.parse(rulesText)); // `any`, as in the README
// @ts-expect-error rules are an object or JSON text, not a number
Engine.compile(42);
// @ts-expect-error a rule set has fields
Engine.compile({ schemaVersion: 1, id: 'x', version: '1', name: names('x', 'x') });
// @ts-expect-error field types are a closed set
const badField: RuleSet['fields'][number] = { id: 'x', type: 'date', purpose: 'p' };
// @ts-expect-error rule sets reject unknown keys
const badRules: RuleSet = { ...rules, layer: [] };

// --- One decision ---
const client: Client = {
  id: 'c0000042',
  account_opened_at: '2026-11-03T09:00:00+08:00',
  aum: 8000,
  consent_push: true,
  holdings: ['fund'],
  branch: 'SH-01', // undeclared keys are allowed (and ignored)
  events: [{ type: 'deposit', at: '2026-11-04T10:00:00+08:00', amount: 8000 }],
  contacts: [{ action: 'welcome_push', channel: 'push', at: '2026-11-05T10:00:00+08:00', outcome: 'opened' }],
};
const options: DecideOptions = { now: '2026-11-25T10:00:00+08:00', trace: true };
const decision: Decision = engine.decide(client, options);
engine.decide({ id: 'c1' }, { now: Date.now() });
engine.decide({ id: 42, contacts: [{ channel: 'sms', at: '2026-11-01T09:00:00+08:00' }] }, { now: new Date(), event: 'deposit' });
const primary: string | null = decision.primaryLayer;
const chosen: string[] = decision.actions.map((a: ChosenAction) => `${a.id} via ${a.channel} (${a.score})`);
const deferred: string | undefined = decision.actions[0]?.deferredUntil;
for (const r of decision.notChosen) {
  const reason: NotChosenReason = r.reason;
  if (r.reason === 'personalisation_off' || r.reason === 'channel_cap') show(r.id, r.sop, reason, r.message?.en);
}
const band: true | string | undefined = decision.tags['asset_band'];
decision.trace?.forEach((t) => show(t.kind === 'action' ? t.result : t.id, Object.keys(t.reads)));
show(primary, chosen, deferred, band, decision.ruleSet.contentHash, decision.explanation?.zh, decision.controlGroups);
// The lean decision for an app that needs the layer and the actions, not the words.
const lean: Decision = engine.decide(client, { now: Date.now(), explain: false });
show(lean.primaryLayer, lean.notChosen.map((r) => r.reason));
// @ts-expect-error `explain` is a boolean
engine.decide(client, { now: Date.now(), explain: 'no' });
// @ts-expect-error `now` is required
engine.decide(client, {});
// @ts-expect-error `now` is RFC 3339 text, epoch milliseconds or a Date
engine.decide(client, { now: true });
// @ts-expect-error a client has an id
engine.decide({ aum: 1 }, options);
// @ts-expect-error contact channels are a closed set
engine.decide({ id: 'c1', contacts: [{ channel: 'email', at: '2026-11-01T09:00:00+08:00' }] }, options);
// @ts-expect-error contact outcomes are a closed set
engine.decide({ id: 'c1', contacts: [{ channel: 'push', at: '2026-11-01T09:00:00+08:00', outcome: 'ignored' }] }, options);
// @ts-expect-error Decision has no `primaryLayers`
show(decision.primaryLayers);
// @ts-expect-error the primary layer may be null
const layerId: string = decision.primaryLayer;
// @ts-expect-error not-chosen reasons are a closed set
const badReason: NotChosenReason = 'bogus';
// @ts-expect-error channels are a closed set
const isEmail = decision.actions[0]?.channel === 'email';

// --- A batch ---
const batch: BatchResult = engine.decideBatch(ndjson, { now: '2026-11-25T10:00:00+08:00' });
engine.decideBatch('{"id":"c1"}\n{"id":"c2"}\n', { now: 0, event: 'deposit' });
engine.decideBatch([client, { id: 'c2' }], { now: new Date() });
for (let k = 0; k < batch.count; k++) {
  const layer = batch.primaryLayer[k] ?? -1;
  const actions = batch.actions.subarray(batch.actionOffsets[k], batch.actionOffsets[k + 1]);
  show(batch.clientIds[k], layer >= 0 ? batch.layerIds[layer] : null, Array.from(actions, (i) => batch.actionIds[i]));
}
const recordErrors: RecordError[] = batch.errors;
recordErrors.forEach((e) => show(e.line, e.clientId, e.errors.map((d) => `${d.path}: ${d.message}`)));
// @ts-expect-error decideBatch takes NDJSON (bytes or text) or client records
engine.decideBatch(42, { now: 0 });
// @ts-expect-error a batch has no trace
engine.decideBatch([client], { now: 0, trace: true });
// @ts-expect-error the indices are typed arrays, not arrays
batch.primaryLayer.push(1);

// --- The privacy manifest, validation, JsonLogic, the synthetic population ---
const info: EngineInfo = engine.info();
show(info.id, info.version, info.contentHash, info.fields.map((f) => `${f.id}: ${f.purpose}${f.sensitive ? ' (sensitive)' : ''}`));
// @ts-expect-error `sensitive` is a boolean
info.fields[0]?.sensitive.toUpperCase();
const diagnostics: Diagnostic[] = validateRules({ schemaVersion: 1 });
show(diagnostics.map((d) => `${d.severity}[${d.code}] at ${d.path}: ${d.message}${d.suggestion ? ` (${d.suggestion})` : ''}`));
validateRules(rulesText);
// @ts-expect-error diagnostics carry a JSON pointer `path`, not a line
show(validateRules(rules)[0]?.line);
const young: JsonValue = applyLogic({ '<': [{ var: 'age' }, 30] }, { age: 25 });
show(young === true, applyLogic({ var: 'x' }));
// @ts-expect-error a rule is JSON, not a function
applyLogic(() => true, {});
const population: Client[] = generatePopulation(3, 42);
generatePopulation(3, 42, '2026-11-25T10:00:00+08:00');
const populationBytes: Uint8Array = generatePopulationNdjson(3, 42);
show(populationBytes.length);
show(population.map((c) => c.id), version(), schemaVersion() + 1);
engine.decideBatch(population, { now: Date.now() });
// @ts-expect-error the seed is a number
generatePopulation(3, '42');
// @ts-expect-error contacts have no `result`
show(population[0]?.contacts?.[0]?.result);

// --- Errors: a thrown Error with `code`, `path` and `diagnostics` ---
try {
  engine.decide({ id: 'c1', aum: 'lots' }, { now: Date.now() });
} catch (e) {
  const err = e as ClientsegError;
  const message: string = err.message;
  if (err.code === 'INVALID_CLIENT' || err.code === 'INVALID_RULES') {
    show(err.path, message, err.diagnostics?.map((d) => d.code));
  }
  // @ts-expect-error error codes are a closed set
  show(err.code === 'NOT_A_CODE');
}

// --- What-if simulation: published vs draft over a population fed in chunks ---
declare const assumptionsText: string; // readFileSync(require.resolve('clientseg/rules/internet-branch.simulation.json'), 'utf8')
const assumptions: Assumptions = JSON.parse(assumptionsText);
const sim = new Simulation(rulesText, rules, { now: '2026-11-25T10:00:00+08:00', assumptions });
// The simulation module carries the whole API too (the admin page loads only it).
const adminEngine: SimulationEngine = SimulationEngine.compile(rulesText);
show(adminEngine.info().contentHash);
let progress: SimulationProgress = sim.addSynthetic(0, 10_000, 42);
progress = sim.addNdjson(ndjson);
progress = sim.addCsv(csvBytes);
progress = sim.finish();
const part = new Simulation(rulesText, rules, { now: '2026-11-25T10:00:00+08:00', assumptions });
part.continueCsv('id,aum');
progress = part.addCsv(csvBytes);
const counts: Uint8Array = part.partial();
sim.merge(counts);
// @ts-expect-error merge takes the bytes of partial(), not a report
sim.merge(sim.report());
show(progress.clients, progress.rejected);
const report: SimulationReport = sim.report();
show(
  report.clientsChangingLayer,
  report.transitions.counts[0]?.[1],
  report.draft.primaryLayers['high_potential_new'],
  report.published.revenue.execution,
  report.draft.funnel.map((f) => [f.name.zh, f.projectedConversions]),
  report.published.workload.map((w) => w.utilisation ?? 'no capacity'),
  report.errors.map((e) => e.line),
);
show(syntheticClient(7, 42).id, syntheticClient(7, 42, Date.now()).events?.length);
// @ts-expect-error assumptions are required
new Simulation(rules, rules, { now: Date.now() });
// @ts-expect-error the report has no `total`; counts are per side
show(report.total);
// @ts-expect-error a breakpoint kind is lead, newClient or longTail
const kind: Assumptions['breakpoints'][number]['kind'] = 'vip';
show(kind);
