// Blueprints: list them and create new ones, through exam delivery's public API.

import { api, flash, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { pageStyles } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

async function loadList() {
  const box = document.getElementById("blueprint-list");
  try {
    const out = await api("GET", "/api/blueprints");
    const list = Array.isArray(out) ? out : out.blueprints || [];
    box.replaceChildren(dataTable({
      caption: "Blueprints", csv: "blueprints.csv", rows: list,
      columns: [
        { key: "name", label: "Name" },
        { key: "question_count", label: "Questions", num: true },
        { key: "time_limit_seconds", label: "Minutes", num: true, format: (v) => String(Math.round(v / 60)) },
        { key: "cut_score_percent", label: "Cut %", num: true },
        { key: "domains", label: "Questions per area", value: (r) => (r.domains || []).map((d) => `${d.code} ${d.count}`).join(", ") },
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
  await loadList();
});
