// SVG charts built with createElementNS and text nodes only (no innerHTML, no
// inline style: the CSP forbids both). Every chart is a <figure> with an SVG
// that has a <title> and a <desc> (its text alternative), axis labels, and the
// numbers themselves in a table under "Show the data".

import { h } from "/static/scoring/common/mockcert.js";
import { dataTable } from "/static/scoring/tables.js";

const NS = "http://www.w3.org/2000/svg";
let uid = 0;

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const W = 640;
const H = 300;
// Margins for tick and axis labels at body size (1rem: scoring.css).
const M = { top: 22, right: 20, bottom: 64, left: 78 };

// Charts are drawn at the width of their container, so text keeps its size.
export function widthOf(el, fallback = W) {
  const w = el && el.clientWidth ? Math.floor(el.clientWidth) : fallback;
  return Math.max(320, Math.min(w, 1100));
}

function frame({ title, desc, width = W, height = H }) {
  const id = `chart-${++uid}`;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg", width, height,
                         "aria-labelledby": `${id}-t ${id}-d`, preserveAspectRatio: "xMidYMid meet" },
    s("title", { id: `${id}-t` }, title),
    s("desc", { id: `${id}-d` }, desc));
  return { svg, id, width, height };
}

function figure(svg, caption, table) {
  return h("figure", { class: "chart-figure" }, svg, h("figcaption", {}, caption),
    h("details", {}, h("summary", {}, "Show the data"), table));
}

function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const span = hi - lo;
  const step0 = Math.pow(10, Math.floor(Math.log10(span / count)));
  const err = (span / count) / step0;
  const step = step0 * (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function axes(g, { x0, x1, y0, y1, yTicks, yFormat, xLabel, yLabel, height }) {
  g.append(s("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }));
  g.append(s("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "axis" }));
  for (const [v, y] of yTicks) {
    g.append(s("line", { x1: x0, y1: y, x2: x1, y2: y, class: "grid" }));
    g.append(s("text", { x: x0 - 6, y: y + 5, "text-anchor": "end", class: "tick" }, yFormat(v)));
  }
  g.append(s("text", { x: (x0 + x1) / 2, y: height - 10, "text-anchor": "middle", class: "axis-label" }, xLabel));
  g.append(s("text", { x: 18, y: (y0 + y1) / 2, "text-anchor": "middle", class: "axis-label",
                       transform: `rotate(-90 18 ${(y0 + y1) / 2})` }, yLabel));
}

const pct = (v, d = 0) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(d)} %`);

// What a trend of n periods can say: none, one (no trend yet), or a line with its band.
export function trendNote(n, period = "week") {
  if (!n) return "No attempts in this selection.";
  if (n === 1) return `Too little data for a trend: one ${period} so far. The bar is its 95 % Wilson interval; the band starts with a second ${period}.`;
  return "Line: pass rate; shaded band: 95 % Wilson interval (wider where n is small).";
}

// Pass rate per period with its Wilson 95 % band (from two periods on; one period is a dot
// with its interval, and the chart says there is too little data for a trend).
export function trendChart(groups, { title = "Pass rate by period", period = "week", width = W } = {}) {
  const usable = groups.filter((g) => g.pass_rate !== null);
  const desc = usable.length
    ? `${usable.length === 1 ? trendNote(1, period) + " " : ""}Pass rate per ${period} with 95 % Wilson confidence band. ` +
      usable.map((g) => `${g.label}: ${pct(g.pass_rate)} of ${g.attempts} (${pct(g.ci_low)} to ${pct(g.ci_high)})`).join("; ") + "."
    : "No attempts in this selection.";
  const f = frame({ title, desc, width });
  const x0 = M.left, x1 = f.width - M.right, y0 = f.height - M.bottom, y1 = M.top;
  const yOf = (v) => y0 - v * (y0 - y1);
  const n = usable.length;
  const xOf = (i) => (n <= 1 ? (x0 + x1) / 2 : x0 + 12 + (i * (x1 - x0 - 24)) / (n - 1));
  const g = s("g", {});
  axes(g, { x0, x1, y0, y1, yTicks: [0, 0.25, 0.5, 0.75, 1].map((v) => [v, yOf(v)]), yFormat: (v) => pct(v),
            xLabel: period === "month" ? "Month" : "Week (ISO)", yLabel: "Pass rate", height: f.height });
  if (n === 1) {
    // One period: its interval as a shaded bar around the dot, and no line to pretend a trend.
    const d = usable[0], x = xOf(0);
    g.append(s("rect", { x: x - 14, y: yOf(d.ci_high), width: 28, height: Math.max(1, yOf(d.ci_low) - yOf(d.ci_high)), class: "band" },
      s("title", {}, "95 % Wilson interval")));
    g.append(s("text", { x: (x0 + x1) / 2, y: y1 + 18, "text-anchor": "middle", class: "empty" }, "Too little data for a trend"));
  } else if (n) {
    const upper = usable.map((d, i) => `${xOf(i)},${yOf(d.ci_high)}`);
    const lower = usable.map((d, i) => `${xOf(i)},${yOf(d.ci_low)}`).reverse();
    g.append(s("polygon", { points: [...upper, ...lower].join(" "), class: "band" }, s("title", {}, "95 % Wilson interval")));
    g.append(s("polyline", { points: usable.map((d, i) => `${xOf(i)},${yOf(d.pass_rate)}`).join(" "), class: "line" }));
  }
  if (n) {
    const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor((x1 - x0) / 96))));
    usable.forEach((d, i) => {
      g.append(s("circle", { cx: xOf(i), cy: yOf(d.pass_rate), r: 3.5, class: "dot" },
        s("title", {}, `${d.label}: ${pct(d.pass_rate, 1)} (${d.passed}/${d.attempts}), 95 % CI ${pct(d.ci_low, 1)}–${pct(d.ci_high, 1)}`)));
      if (i % every === 0) g.append(s("text", { x: xOf(i), y: y0 + 22, "text-anchor": "middle", class: "tick" }, d.label));
    });
  } else {
    g.append(s("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, "text-anchor": "middle", class: "empty" }, "No attempts yet"));
  }
  f.svg.append(g);
  const table = dataTable({
    caption: "Pass rate by period", csv: `pass-rates-by-${period}.csv`,
    columns: [
      { key: "label", label: period === "month" ? "Month" : "Week" },
      { key: "attempts", label: "Attempts", num: true }, { key: "passed", label: "Passed", num: true },
      { key: "pass_rate", label: "Pass rate", num: true, format: (v) => pct(v, 1) },
      { key: "ci_low", label: "95 % CI low", num: true, format: (v) => pct(v, 1) },
      { key: "ci_high", label: "95 % CI high", num: true, format: (v) => pct(v, 1) },
    ],
    rows: groups,
  });
  return figure(f.svg, trendNote(n, period), table);
}

// Score histogram with the cut line.
export function histogramChart(dist, { title = "Score distribution", width = W } = {}) {
  const bins = dist.histogram || [];
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const k = dist.question_count;
  const desc = `Histogram of raw scores of ${dist.n} attempts on ${dist.blueprint_name} (0 to ${k} points). ` +
    `Mean ${dist.mean}, SD ${dist.sd}, skewness ${dist.skewness}. The cut is at ${dist.raw_cut} points ` +
    `(${dist.cut_score_percent} %); ${dist.passed} of ${dist.n} passed.`;
  const f = frame({ title, desc, width });
  const x0 = M.left, x1 = f.width - M.right, y0 = f.height - M.bottom, y1 = M.top;
  const xOf = (v) => x0 + (v / (k + 1)) * (x1 - x0);
  const yOf = (c) => y0 - (c / maxCount) * (y0 - y1);
  const g = s("g", {});
  axes(g, { x0, x1, y0, y1, yTicks: niceTicks(0, maxCount, 4).map((v) => [v, yOf(v)]), yFormat: (v) => String(v),
            xLabel: `Raw score (of ${k})`, yLabel: "Attempts", height: f.height });
  for (const b of bins) {
    const above = b.low >= dist.raw_cut - 1e-9;
    g.append(s("rect", { x: xOf(b.low) + 0.5, y: yOf(b.count), width: Math.max(1, xOf(b.high) - xOf(b.low) - 1),
                         height: y0 - yOf(b.count), class: above ? "bar pass" : "bar fail" },
      s("title", {}, `${b.low}${b.high - b.low > 1 ? `–${b.high - 1}` : ""} points: ${b.count}`)));
  }
  for (const v of niceTicks(0, k, Math.max(3, Math.floor((x1 - x0) / 70)))) {
    g.append(s("text", { x: xOf(v + 0.5), y: y0 + 22, "text-anchor": "middle", class: "tick" }, String(v)));
  }
  const cx = xOf(dist.raw_cut);
  g.append(s("line", { x1: cx, y1: y1, x2: cx, y2: y0, class: "cut" }));
  g.append(s("text", { x: cx + 4, y: y1 + 14, class: "cut-label" }, `cut ${dist.raw_cut}`));
  f.svg.append(g);
  const table = dataTable({
    caption: "Score histogram", csv: `score-histogram-${dist.blueprint_name}.csv`,
    columns: [{ key: "low", label: "From (points)", num: true }, { key: "high", label: "Below (points)", num: true },
              { key: "count", label: "Attempts", num: true }],
    rows: bins,
  });
  return figure(f.svg, `Bars at or above the cut (${dist.raw_cut} points) are scores that pass the raw cut.`, table);
}

// Horizontal bars: mean percent per content area, with the 70 % target. Each bar is named by
// its area's name (`names`: code -> name from GET /api/domains), written above the bar at
// body size, so long names need no abbreviation and no code stands in for them.
export function domainChart(domains, { title = "Mean score by content area", target = 70, width = W, names = {} } = {}) {
  const nameOf = (d) => names[d.code] || d.name || d.code;
  const rowH = 48;
  const top = M.top + 8;
  const height = top + M.bottom + rowH * Math.max(1, domains.length);
  const left = 16;
  const desc = domains.length
    ? `Mean percent correct per content area, target ${target} %. ` +
      domains.map((d) => `${nameOf(d)}: ${d.mean_percent} % (reliability ${d.reliability ?? "n/a"})`).join("; ") + "."
    : "No attempts yet.";
  const f = frame({ title, desc, height, width });
  const x0 = left, x1 = f.width - 72, y0 = f.height - M.bottom;
  const xOf = (v) => x0 + (v / 100) * (x1 - x0);
  const g = s("g", {});
  g.append(s("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }));
  for (const v of [0, 25, 50, 75, 100]) {
    g.append(s("line", { x1: xOf(v), y1: top, x2: xOf(v), y2: y0, class: "grid" }));
    g.append(s("text", { x: xOf(v), y: y0 + 22, "text-anchor": v === 0 ? "start" : "middle", class: "tick" }, `${v} %`));
  }
  domains.forEach((d, i) => {
    const y = top + i * rowH;
    const v = d.mean_percent ?? 0;
    g.append(s("text", { x: x0, y: y + 18, class: "bar-name" }, nameOf(d)));
    g.append(s("rect", { x: x0, y: y + 24, width: Math.max(0, xOf(v) - x0), height: rowH - 30,
                         class: v < target ? "bar fail" : "bar pass" },
      s("title", {}, `${nameOf(d)}: ${v} % (SD ${d.sd_percent ?? "—"}, ${d.items_per_form} items per form, reliability ${d.reliability ?? "n/a"})`)));
    g.append(s("text", { x: xOf(v) + 6, y: y + rowH - 9, class: "tick" }, `${v} %`));
  });
  g.append(s("line", { x1: xOf(target), y1: top, x2: xOf(target), y2: y0, class: "cut" }));
  g.append(s("text", { x: xOf(target) + 4, y: top - 6, class: "cut-label" }, `target ${target} %`));
  g.append(s("text", { x: (x0 + x1) / 2, y: f.height - 10, "text-anchor": "middle", class: "axis-label" }, "Mean percent correct"));
  f.svg.append(g);
  const table = dataTable({
    caption: "Per content area", csv: "domain-means.csv",
    columns: [{ key: "name", label: "Area", value: nameOf }, { key: "code", label: "Code" },
              { key: "items_per_form", label: "Items per form", num: true },
              { key: "mean_percent", label: "Mean %", num: true }, { key: "sd_percent", label: "SD %", num: true },
              { key: "reliability", label: "Reliability (KR-20)", num: true }],
    rows: domains,
  });
  return figure(f.svg, "Areas under the target are drawn in the warning colour. A few-item area is a noisy subscore: see its reliability.", table);
}

// Item difficulty (p) against corrected point-biserial, flagged items marked.
export function scatterChart(items, { title = "Difficulty against discrimination", onPick, width = W } = {}) {
  const pts = items.filter((it) => it.p !== null && it.r_pb_corrected !== null);
  const flagged = pts.filter((it) => it.flags.length).length;
  const desc = `Each point is an item version: difficulty p (share correct) across, corrected point-biserial up. ` +
    `${pts.length} item versions, ${flagged} flagged. Good items sit between p .30 and .89 above r .20.`;
  const f = frame({ title, desc, height: 340, width });
  const x0 = M.left, x1 = f.width - M.right, y0 = f.height - M.bottom, y1 = M.top;
  const rMin = Math.min(-0.2, ...pts.map((p) => p.r_pb_corrected));
  const rMax = Math.max(0.8, ...pts.map((p) => p.r_pb_corrected));
  const xOf = (p) => x0 + p * (x1 - x0);
  const yOf = (r) => y0 - ((r - rMin) / (rMax - rMin)) * (y0 - y1);
  const g = s("g", {});
  axes(g, { x0, x1, y0, y1, yTicks: niceTicks(rMin, rMax, 5).map((v) => [v, yOf(v)]), yFormat: (v) => v.toFixed(1),
            xLabel: "Difficulty p (share correct)", yLabel: "Corrected point-biserial", height: f.height });
  for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    g.append(s("text", { x: xOf(v), y: y0 + 22, "text-anchor": "middle", class: "tick" }, v.toFixed(1)));
  }
  g.append(s("rect", { x: xOf(0.3), y: yOf(rMax), width: xOf(0.9) - xOf(0.3), height: yOf(0.2) - yOf(rMax), class: "good-zone" },
    s("title", {}, "Good: p .30–.89 and r > .20")));
  g.append(s("line", { x1: x0, y1: yOf(0.2), x2: x1, y2: yOf(0.2), class: "ref" }));
  g.append(s("text", { x: x1 - 4, y: yOf(0.2) - 4, "text-anchor": "end", class: "cut-label" }, "r = .20"));
  for (const it of pts) {
    const label = `${it.item_id.slice(0, 8)} v${it.version} (${it.domain}): p ${it.p.toFixed(2)}, r ${it.r_pb_corrected.toFixed(2)}, n ${it.n}` +
      (it.flags.length ? `; flags: ${it.flags.join(", ")}` : "");
    const cx = xOf(it.p), cy = yOf(it.r_pb_corrected);
    const mark = it.flags.length
      ? s("rect", { x: cx - 4, y: cy - 4, width: 8, height: 8, class: "pt flagged" }, s("title", {}, label))
      : s("circle", { cx, cy, r: 3.5, class: "pt" }, s("title", {}, label));
    if (onPick) mark.addEventListener("click", () => onPick(it));
    g.append(mark);
  }
  f.svg.append(g);
  return h("figure", { class: "chart-figure" }, f.svg,
    h("figcaption", {}, "Circles: no flag; squares: flagged. The shaded zone is the good range. The full list is in the table below."));
}
