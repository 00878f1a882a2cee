// Item quality: every item version's classical statistics, flags and IRT parameters.

import { api, h, requireRole, showProblem, flash } from "/static/scoring/common/mockcert.js";
import { blueprintPicker, num, pageStyles, pct, query, when } from "/static/scoring/admin.js";
import { scatterChart, widthOf } from "/static/scoring/charts.js";
import { dataTable } from "/static/scoring/tables.js";

const FLAG_TEXT = {
  too_hard: "too hard", doubtful: "doubtful difficulty", review_difficulty: "review: easy", too_easy: "too easy",
  weak_discrimination: "weak discrimination", non_functioning_distractor: "non-functioning distractor",
  possible_miskey: "possible miskey",
};

const range = (lo, hi, d = 2) => (lo === null || hi === null ? "" : `[${num(lo, d)}, ${num(hi, d)}]`);
const withCi = (v, lo, hi) => h("span", { class: "with-ci" }, num(v), h("span", { class: "ci" }, range(lo, hi)));
const optionsText = (it) => it.options_suppressed ? "withheld: too few responses" : it.options.filter((o) => o.share !== null && (o.share > 0 || o.label !== "omit"))
  .map((o) => `${o.label}${o.key ? "*" : ""} ${pct(o.share, 0)} (r ${num(o.r_rest)})`).join(" · ");

// An item's id as a link to its page in the bank (statistics, flags, what to do).
const itemLink = (r) => h("a", { href: `/instructor/items/${encodeURIComponent(r.item_id)}`, class: "item-link",
                                 "aria-label": `Item ${r.item_id} version ${r.version}: open its page` },
  h("code", { title: r.item_id }, `${r.item_id.slice(0, 8)} v${r.version}`));

// Area names by code, from GET /api/domains (the code when it cannot be read).
let areaNames = {};
const areaName = (code) => areaNames[code] || code;

const COLUMNS = [
  { key: "item_id", label: "Item", render: itemLink, value: (r) => `${r.item_id} v${r.version}` },
  { key: "domain", label: "Area", value: (r) => areaName(r.domain) },
  { key: "n", label: "n", num: true },
  { key: "p", label: "p [95 % CI]", num: true, csv: (v) => v ?? "",
    render: (r) => withCi(r.p, r.p_ci_low, r.p_ci_high) },
  { key: "r_pb", label: "r pb", num: true, format: (v) => num(v) },
  { key: "r_pb_corrected", label: "Corrected r pb [95 % CI]", num: true, csv: (v) => v ?? "",
    render: (r) => withCi(r.r_pb_corrected, r.r_ci_low, r.r_ci_high) },
  { key: "upper_lower", label: "Upper–lower D", num: true, format: (v) => num(v) },
  { key: "alpha_if_deleted", label: "α if deleted", num: true, format: (v) => num(v, 3) },
  { key: "irt_a", label: "IRT a", num: true, value: (r) => (r.irt ? r.irt.a : null), format: (v) => num(v) },
  { key: "irt_b", label: "IRT b", num: true, value: (r) => (r.irt ? r.irt.b : null), format: (v) => num(v) },
  { key: "options", label: "Options (share, r with rest)", value: optionsText, sort: (r) => r.options.length,
    render: (r) => h("span", { class: "options-cell" }, ...optionsText(r).split(" · ").map((t) => h("span", {}, t))) },
  { key: "flags", label: "Flags", value: (r) => r.flags, sort: (r) => -r.flags.length,
    render: (r) => h("span", { class: "flags" }, ...(r.flags.length ? r.flags.map((f) => h("span", { class: "badge flag" }, FLAG_TEXT[f] || f)) : ["—"])) },
];

async function loadItems(form) {
  const params = { blueprint_id: form.blueprint_id.value, min_n: form.min_n.value || 0 };
  if (form.flag.value === "flagged") params.flagged = "true";
  // Attempts with too few answers (the blueprint's policy) are left out unless asked for.
  if (form.include_low_answer.checked) params.include_low_answer = "true";
  try {
    const out = await api("GET", `/api/stats/items${query(params)}`);
    const needle = form.q.value.trim().toLowerCase();
    const rows = needle ? out.items.filter((it) => it.item_id.toLowerCase().includes(needle)) : out.items;
    document.getElementById("items-note").textContent =
      `${rows.length} item versions over ${out.n_attempts} attempts (${out.scope === "all" ? "all blueprints" : out.scope}); ` +
      `flags appear only from ${out.flag_min_n} responses. Computed ${when(out.computed_at)}.`;
    const box = document.getElementById("scatter-chart");
    box.replaceChildren(scatterChart(rows, { width: widthOf(box) }));
    const empty = out.items.length ? undefined : await belowMinimum(form, params);
    document.getElementById("items-table").replaceChildren(dataTable({
      caption: "Item versions", csv: "item-analysis.csv", columns: COLUMNS, rows,
      initialSort: { key: "flags", dir: 1 }, empty,
    }));
    document.body.dataset.loaded = "true";
  } catch (err) {
    showProblem(err, form);
  }
}

// When the minimum hides every item: how many item versions have fewer responses than the
// minimum, the most any has, and a button that lowers the minimum to it (from GET /api/stats/items?min_n=1).
async function belowMinimum(form, params) {
  const min = Number(params.min_n) || 0;
  if (min <= 1) return undefined;
  let fewer;
  try {
    fewer = (await api("GET", `/api/stats/items${query({ ...params, min_n: 1 })}`)).items;
  } catch {
    return undefined;
  }
  if (!fewer.length) return undefined;
  const most = Math.max(...fewer.map((it) => it.n));
  const count = `${fewer.length} item version${fewer.length === 1 ? " has" : "s have"} fewer than ${min} responses`;
  return h("span", { class: "below-minimum" },
    `No item has ${min} responses yet (the most any has is ${most}); ${count}. `
      + "Lower the minimum responses to see noisier figures. ",
    h("button", { type: "button", onclick: () => { form.min_n.value = String(most); loadItems(form); } },
      `Show items with at least ${most} responses`));
}

// "Calibrate now" only once there are enough scored attempts (the threshold the API gives);
// until then disabled, with the reason beside it.
function calibrateState(out) {
  const button = document.getElementById("calibrate");
  const why = document.getElementById("calibrate-why");
  const short = out.n_attempts < out.min_attempts;
  button.disabled = short;
  why.textContent = short
    ? `Needs ${out.min_attempts} scored attempts; there are ${out.n_attempts} (${out.min_attempts - out.n_attempts} more).`
    : "";
}

async function loadIrt() {
  const box = document.getElementById("irt-summary");
  try {
    const out = await api("GET", "/api/stats/irt?model=2pl");
    calibrateState(out);
    if (!out.calibration) {
      box.replaceChildren(h("p", {}, `Not calibrated yet: calibration needs ${out.min_attempts} scored attempts and ` +
        `${out.min_item_responses} responses per item version. Until then results use the raw cut.`));
      return;
    }
    const c = out.calibration;
    box.replaceChildren(
      h("p", {}, `2PL calibration ${c.calibration_id} of ${when(c.calibrated_at)}: ${c.n_items} item versions from ` +
        `${c.n_attempts} attempts, ${c.converged ? "converged" : "not converged"} in ${c.iterations} EM iterations (${num(c.seconds)} s).`),
      dataTable({
        caption: "Cut on the ability scale per blueprint", csv: "theta-cuts.csv", rows: c.blueprints,
        columns: [{ key: "blueprint_id", label: "Blueprint" }, { key: "reference_items", label: "Reference items", num: true },
                  { key: "cut_score_percent", label: "Cut %", num: true }, { key: "theta_cut", label: "θ cut", num: true }],
      }),
      h("details", {}, h("summary", {}, "Item parameters, standard errors and fit"), dataTable({
        caption: "2PL item parameters", csv: "irt-2pl.csv", rows: c.items,
        columns: [{ key: "item_id", label: "Item", render: itemLink, value: (r) => `${r.item_id} v${r.version}` },
                  { key: "domain", label: "Area", value: (r) => areaName(r.domain) }, { key: "n", label: "n", num: true },
                  { key: "a", label: "a", num: true }, { key: "se_a", label: "SE a", num: true },
                  { key: "b", label: "b", num: true }, { key: "se_b", label: "SE b", num: true },
                  { key: "infit", label: "Infit", num: true }, { key: "outfit", label: "Outfit", num: true },
                  { key: "fit_p", label: "Fit p", num: true }],
      })),
    );
  } catch (err) {
    box.replaceChildren(h("p", { class: "field-error" }, err.message));
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  const form = document.getElementById("item-filters");
  try {
    await blueprintPicker(form.blueprint_id, { allLabel: "All blueprints" });
  } catch (err) {
    showProblem(err, form);
  }
  form.addEventListener("change", () => loadItems(form));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); loadItems(form); });
  form.q.addEventListener("input", () => loadItems(form));
  document.getElementById("calibrate").addEventListener("click", async (ev) => {
    ev.target.disabled = true;
    try {
      await api("POST", "/api/stats/calibrate");
      flash("Calibrated.", "ok");
    } catch (err) {
      showProblem(err);
    }
    await Promise.all([loadIrt(), loadItems(form)]);  // the button's state comes back from the answer
  });
  try {
    const list = await api("GET", "/api/domains");
    areaNames = Object.fromEntries(list.map((d) => [d.code, d.name]));
  } catch {
    areaNames = {};  // the codes stand in
  }
  await Promise.all([loadItems(form), loadIrt()]);
});
