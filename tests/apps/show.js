// Shared by the test apps: decide one known client with the default rule pack and write the
// decision into the page. Each app's entry only differs in how it imports the package.
export const client = {
  id: 'c0000042',
  registered_at: '2026-11-01T09:00:00+08:00',
  applied_at: '2026-11-02T09:00:00+08:00',
  account_opened_at: '2026-11-03T09:00:00+08:00',
  logins_30d: 9,
  consent_push: true,
  personalised_ok: true,
};

export function show(app, { Engine, version }, rules) {
  const engine = Engine.compile(rules);
  const decision = engine.decide(client, { now: '2026-11-25T10:00:00+08:00' });
  document.title = `clientseg ${version()} in ${app}`;
  document.body.dataset.primaryLayer = decision.primaryLayer;
  document.querySelector('#app').textContent = app;
  document.querySelector('#layer').textContent = decision.primaryLayer;
  document.querySelector('#actions').textContent = decision.actions.map((a) => `${a.id} (${a.channel})`).join(', ');
  document.querySelector('#explanation').textContent = `${decision.explanation.zh}\n${decision.explanation.en}`;
  document.querySelector('#decision').textContent = JSON.stringify(decision, null, 2);
}
