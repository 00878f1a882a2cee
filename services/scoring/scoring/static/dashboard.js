// The admins' dashboard: pass-rate trend, score histogram, per-area means, groups, recent results.

import { api, flash, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { blueprintPicker, kpi, num, pageStyles, pct, query, when } from "/static/scoring/admin.js";
import { domainChart, histogramChart, trendChart, widthOf } from "/static/scoring/charts.js";
import { dataTable } from "/static/scoring/tables.js";

// Rudner's figures once a calibration places the cut; Subkoviak's (classical) before.
function decisionNote(decision) {
  if (!decision) return "after calibration";
  if (decision.method === "subkoviak") {
    return `kappa ${num(decision.kappa)} (Subkoviak, classical; Rudner's after calibration)`;
  }
  return `accuracy ${pct(decision.accuracy)} (Rudner, IRT)`;
}

const REFRESH_MS = 30000;

// Area names by code, from GET /api/domains (read once; a failure leaves the codes' own names).
let areaNames = null;
async function domainNames() {
  if (areaNames) return areaNames;
  try {
    const list = await api("GET", "/api/domains");
    areaNames = Object.fromEntries(list.map((d) => [d.code, d.name]));
  } catch {
    return {};
  }
  return areaNames;
}

// The cut as a percentage, and how the results were decided against it: on the raw cut of
// this form length, or on the cut equated through the IRT calibration (the same standard on
// every form); both counts when results of both kinds are in the selection.
function cutCard(scores) {
  const raw = scores.cut_used.raw || 0;
  const equated = scores.cut_used.equated || 0;
  const cut = Number(scores.raw_cut);
  const points = `${Number.isInteger(cut) ? cut : cut.toFixed(1)} of ${scores.question_count} points`;
  const plural = (n) => `${n} result${n === 1 ? "" : "s"}`;
  let note;
  if (!equated) {
    note = `raw: ${points} correct on this form (no calibration places the cut yet)`;
  } else if (!raw) {
    note = `equated: the cut on the ability scale of the IRT calibration, about ${points} on this form`;
  } else {
    note = `equated for ${plural(equated)} (the cut on the IRT ability scale), raw (${points}) ` +
      `for ${plural(raw)} decided before the first calibration`;
  }
  return kpi("Cut score", `${num(scores.cut_score_percent, 1)} %`, note);
}

function rateColumns(first) {
  return [
    { key: "label", label: first },
    { key: "attempts", label: "Attempts", num: true },
    { key: "passed", label: "Passed", num: true },
    { key: "pass_rate", label: "Pass rate", num: true, format: (v) => pct(v) },
    { key: "ci", label: "95 % interval (Wilson)", value: (r) => r.ci_low, format: (_v, r) => `${pct(r.ci_low)} – ${pct(r.ci_high)}`,
      csv: (_v, r) => `${r.ci_low ?? ""}–${r.ci_high ?? ""}` },
  ];
}

async function load(form) {
  const bp = form.blueprint_id.value;
  // Attempts with too few answers (the blueprint's policy) are left out unless the toggle is on.
  const low = form.include_low_answer.checked ? "true" : "";
  const base = { blueprint_id: bp, from: form.from.value, to: form.to.value, include_low_answer: low };
  const period = form.group_by.value;
  try {
    const [overall, trend, groups, byBp, scores, recent, names] = await Promise.all([
      api("GET", `/api/stats/pass-rates${query(base)}`),
      api("GET", `/api/stats/pass-rates${query({ ...base, group_by: period })}`),
      api("GET", `/api/stats/pass-rates${query({ ...base, group_by: "group" })}`),
      api("GET", `/api/stats/pass-rates${query({ from: base.from, to: base.to, group_by: "blueprint", include_low_answer: low })}`),
      bp ? api("GET", `/api/stats/scores${query({ blueprint_id: bp, include_low_answer: low })}`) : Promise.resolve(null),
      api("GET", `/api/results${query({ blueprint_id: bp, limit: 15 })}`),
      domainNames(),
    ]);
    const o = overall.overall;
    const kpis = [
      ...kpi("Attempts", String(o.attempts)),
      ...kpi("Pass rate", pct(o.pass_rate), o.attempts ? `(95 % CI ${pct(o.ci_low)} – ${pct(o.ci_high)})` : ""),
    ];
    if (scores) {
      kpis.push(...kpi("Mean score", `${num(scores.mean, 1)} / ${scores.question_count}`, `(${num(scores.mean_percent, 1)} %, SD ${num(scores.sd, 1)})`));
      kpis.push(...kpi("Reliability (KR-20)", num(scores.kr20), `SEM ${num(scores.sem, 1)} points; at the cut ${num(scores.csem_at_cut, 1)}`));
      kpis.push(...kpi("Decision consistency",
        scores.decision ? pct(scores.decision.consistency) : "—",
        decisionNote(scores.decision)));
      kpis.push(...cutCard(scores));
    }
    document.getElementById("kpis").replaceChildren(...kpis);
    document.getElementById("low-note").textContent = low
      ? "Low-answer attempts (too few questions answered) are included."
      : `${overall.low_answer_excluded} low-answer attempt${overall.low_answer_excluded === 1 ? "" : "s"} left out (too few questions answered); tick the box to include them.`;
    document.getElementById("freshness").textContent =
      `Statistics computed ${when(overall.computed_at)} over ${overall.n_attempts} scored attempts; they refresh on their own.`;
    const place = (id, make) => { const el = document.getElementById(id); el.replaceChildren(make(widthOf(el))); };
    place("trend-chart", (width) => trendChart(trend.groups, { period, title: `Pass rate by ${period}`, width }));
    place("hist-chart", (width) => (scores
      ? histogramChart(scores, { title: `Score distribution, ${scores.blueprint_name}`, width })
      : h("p", { class: "muted" }, "Pick a blueprint.")));
    place("domain-chart", (width) => (scores ? domainChart(scores.domains, { width, names }) : h("p", { class: "muted" }, "Pick a blueprint.")));
    document.getElementById("groups-table").replaceChildren(dataTable({
      caption: "By candidate group", csv: "pass-rates-by-group.csv", columns: rateColumns("Group"), rows: groups.groups }));
    document.getElementById("blueprints-table").replaceChildren(dataTable({
      caption: "By blueprint", csv: "pass-rates-by-blueprint.csv", columns: rateColumns("Blueprint"), rows: byBp.groups }));
    document.getElementById("recent-table").replaceChildren(dataTable({
      caption: "Recent results", csv: "recent-results.csv", rows: recent.results,
      columns: [
        { key: "submitted_at", label: "Submitted", format: (v) => when(v) },
        { key: "blueprint_name", label: "Blueprint" },
        { key: "candidate_group", label: "Group", format: (v) => v || "—" },
        { key: "percent", label: "Score %", num: true },
        { key: "scaled_score", label: "Scaled", num: true },
        { key: "passed", label: "Result", format: (v) => (v ? "pass" : "fail") },
        { key: "cut_used", label: "Cut" },
        { key: "attempt_id", label: "Attempt", render: (r) => h("a", { href: `/admin/results/${encodeURIComponent(r.attempt_id)}` }, r.attempt_id.slice(0, 8)) },
      ],
    }));
    document.body.dataset.loaded = "true";
  } catch (err) {
    showProblem(err, form);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  const form = document.getElementById("filters");
  try {
    const summaries = await blueprintPicker(form.blueprint_id);
    if (!summaries.blueprints.length) flash("No scored attempts yet: the charts fill in as candidates submit.", "info");
  } catch (err) {
    showProblem(err, form);
  }
  form.addEventListener("change", () => load(form));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(form); });
  await load(form);
  setInterval(() => { if (!document.hidden) load(form); }, REFRESH_MS);
});
