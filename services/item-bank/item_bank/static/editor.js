import { api, flash, h, requireRole, showProblem } from "/static/item-bank/common/mockcert.js";
import { itemIdFromPath, question } from "/static/item-bank/question.js";

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
    question(body.stem, body.options),
    h("p", { class: "muted" }, body.key ? `Key: ${body.key}` : "No key chosen yet"));
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
  form.addEventListener("input", () => preview(form));
  form.addEventListener("change", () => preview(form));
  preview(form);
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
