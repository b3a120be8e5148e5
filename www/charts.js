// Hand-written SVG charts. Each function takes numbers already computed by the package and
// returns SVG markup; every label is escaped. Colours come from CSS classes (style.css).

const W = 720;
const FONT = 12;

export const esc = (s) =>
  String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function svg(height, body, label) {
  return `<svg class="chart" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${esc(label ?? '')}">${body}</svg>`;
}

/** Truncates a label to fit roughly `px` pixels (CJK characters count double). */
function fit(label, px) {
  const s = String(label);
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    w += s.charCodeAt(i) > 0x2e80 ? FONT : FONT * 0.58;
    if (w > px) return `${s.slice(0, Math.max(1, i - 1))}…`;
  }
  return s;
}

/** A legend as HTML: `series` = [{label, cls}]. */
export function legend(series) {
  return `<div class="legend">${series.map((s) => `<span><i class="sw ${s.cls}"></i>${esc(s.label)}</span>`).join('')}</div>`;
}

/**
 * Horizontal grouped bars. rows: [{label, values: number[]}]; series: [{label, cls}];
 * format(v) → text; opts.labelWidth, opts.max, opts.markers: [{row, value, cls, title}],
 * opts.valueLabel(row, seriesIndex, value) → the text after a bar (default format(value)).
 */
export function groupedBars(rows, series, format, opts = {}) {
  const labelW = opts.labelWidth ?? 210;
  const valueW = opts.valueWidth ?? 90;
  const valueLabel = opts.valueLabel ?? ((row, k, v) => format(v));
  const barH = 13;
  const gap = 10;
  const rowH = series.length * barH + gap;
  const max = Math.max(opts.max ?? 0, ...rows.flatMap((r) => r.values.filter(Number.isFinite)), ...(opts.markers ?? []).map((m) => m.value), 1e-12);
  const scale = (W - labelW - valueW) / max;
  let body = '';
  rows.forEach((r, i) => {
    const y0 = 4 + i * rowH;
    body += `<text class="lbl" x="${labelW - 8}" y="${y0 + (series.length * barH) / 2 + 4}" text-anchor="end"><title>${esc(r.label)}</title>${esc(fit(r.label, labelW - 12))}</text>`;
    series.forEach((s, k) => {
      const v = r.values[k] ?? 0;
      const y = y0 + k * barH;
      const w = Math.max(v > 0 ? 1 : 0, v * scale);
      body += `<rect class="${s.cls}" x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}"><title>${esc(`${r.label} · ${s.label}: ${format(v)}`)}</title></rect>`;
      body += `<text class="val" x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 3}">${esc(valueLabel(r, k, v))}</text>`;
    });
  });
  for (const m of opts.markers ?? []) {
    const x = labelW + m.value * scale;
    const y0 = 4 + m.row * rowH - 2;
    body += `<line class="${m.cls}" x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y0}" y2="${y0 + series.length * barH + 2}"><title>${esc(m.title)}</title></line>`;
  }
  body += `<line class="axis" x1="${labelW}" x2="${labelW}" y1="0" y2="${rows.length * rowH}"/>`;
  return svg(rows.length * rowH + 6, body, opts.title);
}

/**
 * A heat map of counts[i][j] (rows: from, columns: to). The diagonal (same label) is outlined;
 * colour intensity grows with the square root of the count so that small flows stay visible.
 */
export function heatmap(rowLabels, colLabels, counts, format, opts = {}) {
  const labelW = 190;
  const top = 110;
  const cellW = Math.min(64, Math.floor((W - labelW - 8) / Math.max(1, colLabels.length)));
  const cellH = 24;
  const max = Math.max(1, ...counts.flat());
  let body = '';
  colLabels.forEach((c, j) => {
    const x = labelW + j * cellW + cellW / 2;
    body += `<text class="lbl" transform="translate(${x},${top - 6}) rotate(-40)"><title>${esc(c.label)}</title>${esc(fit(c.label, 130))}</text>`;
  });
  rowLabels.forEach((r, i) => {
    const y = top + i * cellH;
    body += `<text class="lbl" x="${labelW - 8}" y="${y + cellH / 2 + 4}" text-anchor="end"><title>${esc(r.label)}</title>${esc(fit(r.label, labelW - 12))}</text>`;
    colLabels.forEach((c, j) => {
      const v = counts[i]?.[j] ?? 0;
      const x = labelW + j * cellW;
      const a = v ? 0.08 + 0.92 * Math.sqrt(v / max) : 0;
      const diag = r.id === c.id ? ' diag' : '';
      body += `<rect class="cell${diag}" x="${x}" y="${y}" width="${cellW - 1}" height="${cellH - 1}"><title>${esc(`${r.label} → ${c.label}: ${format(v)}`)}</title></rect>`;
      if (v) body += `<rect class="heat" x="${x}" y="${y}" width="${cellW - 1}" height="${cellH - 1}" fill-opacity="${a.toFixed(3)}" pointer-events="none"/>`;
      if (v) body += `<text class="cellv${a > 0.55 ? ' inv' : ''}" x="${x + cellW / 2}" y="${y + cellH / 2 + 4}" text-anchor="middle" pointer-events="none">${esc(format(v))}</text>`;
    });
  });
  return svg(top + rowLabels.length * cellH + 4, body, opts.title);
}

/** Vertical grouped bars over categories (e.g. a histogram). */
export function columns(categories, series, values, format, opts = {}) {
  const left = 50;
  const bottom = 22;
  const h = 180;
  const groupW = (W - left - 10) / Math.max(1, categories.length);
  const barW = Math.min(28, (groupW - 8) / series.length);
  const max = Math.max(1e-12, ...values.flat());
  let body = '';
  for (let k = 0; k <= 4; k++) {
    const y = 8 + (h - 8) * (1 - k / 4);
    body += `<line class="grid" x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}"/><text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(format((max * k) / 4))}</text>`;
  }
  categories.forEach((c, i) => {
    const gx = left + i * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, k) => {
      const v = values[k][i] ?? 0;
      const bh = ((h - 8) * v) / max;
      body += `<rect class="${s.cls}" x="${(gx + k * barW).toFixed(1)}" y="${(h - bh).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(`${c} · ${s.label}: ${format(v)}`)}</title></rect>`;
    });
    body += `<text class="lbl" x="${(left + i * groupW + groupW / 2).toFixed(1)}" y="${h + 16}" text-anchor="middle">${esc(c)}</text>`;
  });
  body += `<line class="axis" x1="${left}" x2="${W - 10}" y1="${h}" y2="${h}"/>`;
  return svg(h + bottom + 4, body, opts.title);
}

/** Horizontal stacked bars: rows [{label, segments: [{value, cls, label}]}]. */
export function stacked(rows, format, opts = {}) {
  const labelW = 150;
  const valueW = 110;
  const barH = 22;
  const gap = 12;
  const max = Math.max(1e-12, ...rows.map((r) => r.segments.reduce((a, s) => a + Math.max(0, s.value), 0)));
  const scale = (W - labelW - valueW) / max;
  let body = '';
  rows.forEach((r, i) => {
    const y = 4 + i * (barH + gap);
    body += `<text class="lbl" x="${labelW - 8}" y="${y + barH / 2 + 4}" text-anchor="end">${esc(fit(r.label, labelW - 12))}</text>`;
    let x = labelW;
    let total = 0;
    for (const s of r.segments) {
      const w = Math.max(0, s.value) * scale;
      body += `<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}"><title>${esc(`${r.label} · ${s.label}: ${format(s.value)}`)}</title></rect>`;
      x += w;
      total += s.value;
    }
    body += `<text class="val" x="${(x + 4).toFixed(1)}" y="${y + barH / 2 + 4}">${esc(format(total))}</text>`;
  });
  return svg(rows.length * (barH + gap) + 4, body, opts.title);
}
