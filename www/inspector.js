// The client inspector: one client's decision under A and under B, side by side, with the
// reasons, the zh/en explanation and the trace — all as the package's Engine.decide returns them.

import { t, nameOf, getLang } from './i18n.js';
import { esc } from './charts.js';
import { namesFrom } from './report.js';

const json = (v) => esc(JSON.stringify(v));

function tagChips(tags, names) {
  return Object.entries(tags ?? {})
    .filter(([, v]) => v !== false && v != null)
    .map(([k, v]) => {
      const key = v === true ? k : `${k}=${v}`;
      return `<span class="chip" title="${esc(key)}">${esc(nameOf(names.tag[key] ?? names.tag[k], key))}</span>`;
    })
    .join(' ');
}

function column(label, d, other, names) {
  const lang = getLang();
  const layer = (id) => (id ? `${esc(nameOf(names.layer[id], id))} <code>${esc(id)}</code>` : esc(t('none')));
  const differsLayer = other && d.primaryLayer !== other.primaryLayer;
  const actIds = (x) => (x?.actions ?? []).map((a) => a.id).join(',');
  const differsActions = other && actIds(d) !== actIds(other);
  const badge = (on) => (on ? ` <span class="badge">${esc(t('differs'))}</span>` : '');
  const actions = d.actions.length
    ? `<ol class="acts">${d.actions
        .map(
          (a) =>
            `<li><strong>${esc(nameOf(names.action[a.id], a.id))}</strong> <code>${esc(a.id)}</code><br><span class="muted">${esc(t(`ch_${a.channel}`))} · ${esc(nameOf(names.sop[a.sop], a.sop))} · ${esc(a.content ? t(`ct_${a.content}`) : '')}${a.score != null ? ` · ${esc(t('score'))} ${esc(String(a.score))}` : ''}${a.deferredUntil ? ` · ${esc(t('deferredUntil'))} ${esc(a.deferredUntil)}` : ''}</span></li>`,
        )
        .join('')}</ol>`
    : `<p class="muted">${esc(t('noActions'))}</p>`;
  const notChosen = `<table class="data nc"><tbody>${(d.notChosen ?? [])
    .map(
      (r) =>
        `<tr><th scope="row" title="${esc(r.id)}">${esc(nameOf(names.action[r.id], r.id))}</th><td><span class="reason r-${esc(r.reason)}">${esc(t(`rs_${r.reason}`))}</span></td><td>${esc(r.message?.[lang] ?? '')}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  const explanation = ['zh', 'en']
    .sort((a) => (a === lang ? -1 : 1))
    .map((l) => `<p class="expl" lang="${l === 'zh' ? 'zh-CN' : 'en'}">${esc(d.explanation?.[l] ?? '')}</p>`)
    .join('');
  const trace = `<table class="data trace"><thead><tr><th>kind</th><th>id</th><th>${esc(t('result'))}</th><th>${esc(t('reads'))}</th></tr></thead><tbody>${(d.trace ?? [])
    .map((s) => `<tr><td>${esc(s.kind)}</td><td>${esc(s.id)}</td><td><code>${json(s.result)}</code></td><td><code>${s.reads ? json(s.reads) : ''}</code></td></tr>`)
    .join('')}</tbody></table>`;
  return `<div class="dcol">
    <h3>${esc(label)}</h3>
    <p class="muted mono">${esc(d.ruleSet?.id ?? '')} ${esc(d.ruleSet?.version ?? '')} · ${esc(d.ruleSet?.contentHash ?? '')}</p>
    <h4>${esc(t('primaryLayer'))}${badge(differsLayer)}</h4><p class="layer">${layer(d.primaryLayer)}</p>
    <h4>${esc(t('matchedLayers'))}</h4><p>${(d.layers ?? []).map((l) => `<span class="chip">${esc(nameOf(names.layer[l], l))}</span>`).join(' ') || esc(t('none'))}</p>
    <h4>${esc(t('tagsOf'))}</h4><p>${tagChips(d.tags, names)}</p>
    <h4>${esc(t('chosen'))}${badge(differsActions)}</h4>${actions}
    <h4>${esc(t('notChosen'))}</h4>${notChosen}
    <h4>${esc(t('explanation'))}</h4>${explanation}
    <details><summary>${esc(t('trace'))}</summary>${trace}</details>
  </div>`;
}

/** Renders the two decisions of one client. */
export function renderDecisions(root, { client, a, b, docs, line }) {
  const names = namesFrom(docs.published, docs.draft);
  root.innerHTML = `<p class="client-id"><strong>${esc(client.id ?? '')}</strong>${line ? ` · ${esc(t('line'))} ${line}` : ''}</p>
    <div class="dgrid">${column(t('published'), a, b, names)}${column(t('draft'), b, a, names)}</div>
    <details class="record"><summary>${esc(t('record'))}</summary><pre class="code small">${esc(JSON.stringify(client, null, 2))}</pre></details>`;
}
