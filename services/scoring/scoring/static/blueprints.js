// Blueprints: list them and create new ones, through exam delivery's public API.

import { api, flash, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { pageStyles } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

const REVIEW_TEXT = { immediate: "review at once", after_date: "review from", never: "no review" };

function policyText(p) {
  if (!p) return "";
  const minutes = p.cooldown_seconds / 60;
  return [
    p.max_attempts === null ? "unlimited attempts" : `${p.max_attempts} attempt${p.max_attempts === 1 ? "" : "s"}`,
    `cool-down ${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`,
    p.review_mode === "after_date" ? `review from ${new Date(p.review_after).toLocaleString()}` : REVIEW_TEXT[p.review_mode],
    `counted from ${Math.round(p.min_answered_share * 100)} % answered`,
  ].join(" · ") + (p.default ? " (defaults)" : "");
}

let listed = [];

// The policy form shows the chosen blueprint's policy; saving PUTs it.
function showPolicy(form) {
  const bp = listed.find((b) => b.id === form.blueprint.value);
  const p = bp && bp.policy;
  if (!p) return;
  form.max_attempts.value = p.max_attempts === null ? "" : String(p.max_attempts);
  form.cooldown.value = String(p.cooldown_seconds / 60);
  form.review_mode.value = p.review_mode;
  form.review_after.value = p.review_after ? p.review_after.slice(0, 16) : "";
  form.review_after.disabled = p.review_mode !== "after_date";
  form.share.value = String(Math.round(p.min_answered_share * 100));
  document.getElementById("p-state").textContent = p.default
    ? "This blueprint follows the service's defaults." : `Set ${new Date(p.updated_at).toLocaleString()}.`;
}

function policyPicker(form) {
  const keep = form.blueprint.value;
  form.blueprint.replaceChildren(...listed.map((b) => h("option", { value: b.id }, b.name)));
  if (keep && listed.some((b) => b.id === keep)) form.blueprint.value = keep;
  showPolicy(form);
}

async function savePolicy(form) {
  const max = form.max_attempts.value.trim();
  const body = {
    max_attempts: max === "" ? null : parseInt(max, 10),
    cooldown_seconds: Math.round(parseFloat(form.cooldown.value || "0") * 60),
    review_mode: form.review_mode.value,
    min_answered_share: Math.min(1, Math.max(0, parseFloat(form.share.value || "50") / 100)),
  };
  if (body.review_mode === "after_date") body.review_after = form.review_after.value ? `${form.review_after.value}:00Z` : null;
  try {
    await api("PUT", `/api/blueprints/${encodeURIComponent(form.blueprint.value)}/policy`, body);
    flash("Attempt policy saved.", "ok");
    await loadList();
  } catch (err) {
    showProblem(err, form);
  }
}

// Area names by code (GET /api/domains, read once): the list names areas, never by code alone.
let areaNames = null;
async function domainNames() {
  if (!areaNames) {
    try {
      areaNames = Object.fromEntries((await api("GET", "/api/domains")).map((d) => [d.code, d.name]));
    } catch {
      return {};
    }
  }
  return areaNames;
}

async function loadList() {
  const box = document.getElementById("blueprint-list");
  try {
    const [out, names] = await Promise.all([api("GET", "/api/blueprints"), domainNames()]);
    const list = Array.isArray(out) ? out : out.blueprints || [];
    listed = list;
    policyPicker(document.getElementById("policy-form"));
    box.replaceChildren(dataTable({
      caption: "Blueprints", csv: "blueprints.csv", rows: list,
      columns: [
        { key: "name", label: "Name" },
        { key: "question_count", label: "Questions", num: true },
        { key: "time_limit_seconds", label: "Minutes", num: true, format: (v) => String(Math.round(v / 60)) },
        { key: "cut_score_percent", label: "Cut %", num: true },
        { key: "domains", label: "Questions per area", value: (r) => (r.domains || []).map((d) => `${names[d.code] || d.code} ${d.count}`).join(", ") },
        { key: "policy", label: "Attempt policy", value: (r) => policyText(r.policy) },
        { key: "code_book", label: "Code book", value: (r) => (r.code_book === false ? "off" : "on") },
        { key: "id", label: "Statistics", render: (r) => h("a", { href: `/admin?blueprint_id=${encodeURIComponent(r.id)}` }, "Dashboard") },
      ],
    }));
  } catch (err) {
    box.replaceChildren(h("p", { class: "field-error" }, `Blueprints could not be loaded: ${err.message}`));
  }
}

async function domainInputs(form) {
  const grid = document.getElementById("b-domains");
  const domains = await api("GET", "/api/domains");
  grid.replaceChildren(...domains.map((d, i) => h("div", {},
    h("label", { for: `b-d-${i}` }, `${d.name} (${d.code})`),
    h("input", { id: `b-d-${i}`, type: "number", min: "0", value: "0", "data-code": d.code, "data-field": `domains[${i}].count` }))));
  const total = () => {
    const sum = [...grid.querySelectorAll("input")].reduce((a, el) => a + (parseInt(el.value, 10) || 0), 0);
    document.getElementById("b-total").textContent = String(sum);
    return sum;
  };
  grid.addEventListener("input", total);
  return total;
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  const form = document.getElementById("blueprint-form");
  let total = () => 0;
  try {
    total = await domainInputs(form);
  } catch (err) {
    showProblem(err, form);
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const domains = [...form.querySelectorAll("#b-domains input")]
      .map((el) => ({ code: el.dataset.code, count: parseInt(el.value, 10) || 0 }))
      .filter((d) => d.count > 0);
    const body = {
      name: form.name.value.trim(),
      question_count: total(),
      time_limit_seconds: Math.round(parseFloat(form.minutes.value || "0") * 60),
      cut_score_percent: parseFloat(form.cut.value),
      domains,
      code_book: form.code_book.checked,
    };
    try {
      await api("POST", "/api/blueprints", body);
      flash(`Blueprint ${body.name} created.`, "ok");
      form.reset();
      total();
      await loadList();
    } catch (err) {
      showProblem(err, form);
    }
  });
  const policyForm = document.getElementById("policy-form");
  policyForm.blueprint.addEventListener("change", () => showPolicy(policyForm));
  policyForm.review_mode.addEventListener("change", () => {
    policyForm.review_after.disabled = policyForm.review_mode.value !== "after_date";
  });
  policyForm.addEventListener("submit", (ev) => { ev.preventDefault(); savePolicy(policyForm); });
  await loadList();
});
