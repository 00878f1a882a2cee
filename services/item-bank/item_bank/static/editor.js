import { api, flash, h, requireRole, showProblem } from "/static/item-bank/common/mockcert.js";
import { itemIdFromPath, question, suggestTags } from "/static/item-bank/question.js";

const LABELS = ["A", "B", "C", "D"];
let baseVersion = null;

function read(form) {
  const key = form.querySelector('input[name="key"]:checked');
  const year = form.code_set_year.value.trim();
  const body = {
    domain: form.domain.value,
    stem: form.stem.value,
    options: LABELS.map((label) => ({ label, text: form.elements[`option_${label}`].value })),
    key: key ? key.value : "",
    rationale: form.rationale.value,
    tags: form.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
    references: form.references.value.split("\n").map((t) => t.trim()).filter(Boolean),
  };
  if (year) body.code_set_year = Number(year);
  if (baseVersion !== null) body.base_version = baseVersion;
  return body;
}

function fill(form, item) {
  form.domain.value = item.domain;
  form.stem.value = item.stem;
  for (const o of item.options) form.elements[`option_${o.label}`].value = o.text;
  const key = form.querySelector(`input[name="key"][value="${item.key}"]`);
  if (key) key.checked = true;
  form.rationale.value = item.rationale;
  form.tags.value = item.tags.join(", ");
  form.code_set_year.value = item.code_set_year;
  form.references.value = item.references.join("\n");
}

function preview(form) {
  const body = read(form);
  const target = document.getElementById("preview");
  target.replaceChildren(
    question(body.stem, body.options, { key: body.key || null }),
    h("p", { class: "muted" }, body.key ? `Key: ${body.key}` : "No key chosen yet"));
}

// The item linter, live: a moment after the instructor stops typing, the draft is checked
// (POST /api/items/lint stores nothing) and each finding is shown beside its field, linked to
// it by aria-describedby, with a count in the status line above Save.
const LINT_DELAY_MS = 400;
let lintTimer = null;
let lintRun = 0;

function clearLint(form) {
  for (const note of form.querySelectorAll(".lint-note")) {
    for (const owner of form.querySelectorAll("[aria-describedby]")) {
      const ids = owner.getAttribute("aria-describedby").split(/\s+/).filter((t) => t && t !== note.id);
      if (ids.length) owner.setAttribute("aria-describedby", ids.join(" "));
      else owner.removeAttribute("aria-describedby");
    }
    note.remove();
  }
}

function showLint(form, result) {
  clearLint(form);
  const summary = document.getElementById("lint-summary");
  const unplaced = [];
  result.findings.forEach((f, i) => {
    const base = String(f.field).replace(/\[.*$/, "").split(".")[0];
    const target = form.querySelector(`[data-field="${CSS.escape(f.field)}"]`)
      || form.querySelector(`[data-field="${CSS.escape(base)}"]`);
    const text = `${f.level === "error" ? "Error" : "Warning"}: ${f.message}`;
    if (!target) { unplaced.push(text); return; }
    const id = `lint-${i}`;
    let anchor = target;
    while (anchor.nextElementSibling && anchor.nextElementSibling.matches(".lint-note, .field-error")) {
      anchor = anchor.nextElementSibling;
    }
    anchor.insertAdjacentElement("afterend",
      h("p", { class: `lint-note lint-${f.level}`, id, dataset: { rule: f.rule, field: f.field } }, text));
    const ids = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    target.setAttribute("aria-describedby", [...ids, id].join(" "));
  });
  const counts = result.errors || result.warnings
    ? `Checks: ${result.errors} ${result.errors === 1 ? "error" : "errors"}, `
      + `${result.warnings} ${result.warnings === 1 ? "warning" : "warnings"}.`
      + (result.errors ? " Errors must be fixed before the item is submitted for review." : "")
    : "Checks: nothing to report.";
  summary.textContent = [counts, ...unplaced].join(" ");
}

function scheduleLint(form) {
  clearTimeout(lintTimer);
  lintTimer = setTimeout(async () => {
    const run = ++lintRun;
    try {
      const result = await api("POST", "/api/items/lint", read(form));
      if (run === lintRun) showLint(form, result);
    } catch (err) {
      // A draft the API cannot read yet (say, a year out of range) is reported on Save.
      if (run === lintRun) { clearLint(form); document.getElementById("lint-summary").textContent = ""; }
    }
  }, LINT_DELAY_MS);
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("instructor", "admin");
  const form = document.getElementById("item-form");
  const itemId = itemIdFromPath();
  if (itemId) {
    document.getElementById("cancel").setAttribute("href", `/instructor/items/${itemId}`);
    try {
      const item = await api("GET", `/api/items/${itemId}`);
      fill(form, item);
      baseVersion = item.version;
      if (item.status === "approved") {
        flash(`Saving writes version ${item.version + 1} as a draft; version ${item.version} stays in service `
          + "until the new one is approved.");
      }
    } catch (err) {
      showProblem(err, form);
    }
  }
  form.addEventListener("input", () => { preview(form); scheduleLint(form); });
  form.tags.addEventListener("input", () => suggestTags(api, form.tags));
  form.tags.addEventListener("focus", () => suggestTags(api, form.tags));
  form.addEventListener("change", () => { preview(form); scheduleLint(form); });
  preview(form);
  if (itemId) scheduleLint(form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const save = document.getElementById("save");
    save.disabled = true;
    try {
      const item = itemId
        ? await api("PUT", `/api/items/${itemId}`, read(form))
        : await api("POST", "/api/items", read(form));
      location.href = `/instructor/items/${item.id}?saved=${item.version}`;
    } catch (err) {
      showProblem(err, form);
      const first = form.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
    } finally {
      save.disabled = false;
    }
  });
});
