import { api, flash, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";
import { areaNames, badge, bulkReport, itemLink, shortText, suggestTags, when } from "/static/item-bank/question.js";

const FIELDS = ["q", "domain", "status", "tag", "author", "code_set_year"];
let cursor = null;
let names = {};
const selected = new Set();

function params(form) {
  const p = new URLSearchParams();
  for (const name of FIELDS) {
    const v = form.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  return p;
}

function updateCount() {
  document.getElementById("bulk-count").textContent = String(selected.size);
  const all = document.getElementById("select-page");
  if (all) {
    const boxes = [...document.querySelectorAll("#item-rows input.select-item")];
    all.checked = boxes.length > 0 && boxes.every((b) => b.checked);
  }
}

function row(item) {
  const box = h("input", { type: "checkbox", class: "select-item", value: item.id,
    "aria-label": `Select item ${item.id.slice(0, 8)}`, checked: selected.has(item.id),
    onchange: (ev) => { if (ev.target.checked) selected.add(item.id); else selected.delete(item.id); updateCount(); } });
  return h("tr", { dataset: { id: item.id } },
    h("td", {}, box),
    h("td", {}, itemLink(item.id)),
    h("td", {}, h("a", { href: `/instructor/items/${item.id}` }, shortText(item.stem, 110))),
    h("td", { title: names[item.domain] || null }, names[item.domain] || item.domain),
    h("td", {}, badge(item.status)),
    h("td", {}, `v${item.version}`,
      item.approved_version && item.approved_version !== item.version
        ? h("span", { class: "muted" }, ` (v${item.approved_version} in service)`) : null),
    h("td", {}, item.author_name),
    h("td", {}, String(item.code_set_year)),
    h("td", {}, when(item.updated_at)));
}

async function load(form, append) {
  const p = params(form);
  p.set("limit", "50");
  if (append && cursor) p.set("cursor", cursor);
  const results = document.getElementById("results");
  const more = document.getElementById("more");
  try {
    const page = await api("GET", `/api/items?${p}`);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    const count = document.getElementById("result-count");
    count.textContent = `${page.total} item${page.total === 1 ? "" : "s"} match${page.total === 1 ? "es" : ""}.`;
    count.dataset.total = String(page.total);
    let body = results.querySelector("tbody");
    if (!append || !body) {
      selected.clear();
      body = h("tbody", { id: "item-rows" });
      const all = h("input", { type: "checkbox", id: "select-page", "aria-label": "Select all items shown",
        onchange: (ev) => {
          for (const b of document.querySelectorAll("#item-rows input.select-item")) {
            b.checked = ev.target.checked;
            if (b.checked) selected.add(b.value); else selected.delete(b.value);
          }
          updateCount();
        } });
      results.replaceChildren(
        h("table", { "aria-describedby": "results-h" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, all),
            ...["Id", "Question", "Area", "Status", "Version", "Author", "Code set", "Updated"]
              .map((t) => h("th", { scope: "col" }, t)))),
          body));
    }
    body.append(...page.items.map(row));
    if (!append && !page.items.length) results.replaceChildren(h("p", { class: "muted" }, "No items match."));
    updateCount();
  } catch (err) {
    showProblem(err, form);
  }
}

async function runBulk(action, filters) {
  const bar = document.getElementById("bulk-bar");
  const report = document.getElementById("bulk-report");
  if (!selected.size) { flash("Select at least one item first.", "error"); return; }
  const body = { ids: [...selected], action };
  const comment = bar.elements.comment.value.trim();
  if (comment) body.comment = comment;
  if (action === "tag") body.tags = bar.elements.tags.value.split(",").map((t) => t.trim()).filter(Boolean);
  try {
    const r = await api("POST", "/api/items/bulk", body);
    report.replaceChildren(...bulkReport(r));
    flash(`${r.done} done, ${r.refused} refused.`, r.refused ? "warn" : "ok");
    await load(filters, false);
  } catch (err) {
    showProblem(err, bar);
  }
}

async function download(format, filters) {
  const p = params(filters);
  p.set("format", format);
  const resp = await fetch(`/api/items/export?${p}`, {
    headers: { Authorization: `Bearer ${session().token}` }, cache: "no-store" });
  if (!resp.ok) { flash(`Export failed (HTTP ${resp.status}).`, "error"); return; }
  const ext = { jsonl: "jsonl", csv: "csv", moodle: "xml", qti: "zip" }[format];
  const url = URL.createObjectURL(await resp.blob());
  const a = h("a", { href: url, download: `mockcert-items.${ext}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("instructor", "admin");
  const form = document.getElementById("filters");
  const initial = new URLSearchParams(location.search);
  for (const name of FIELDS) if (initial.get(name)) form.elements[name].value = initial.get(name);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = params(form);
    history.replaceState(null, "", p.toString() ? `?${p}` : location.pathname);
    load(form, false);
  });
  form.addEventListener("reset", () => setTimeout(() => {
    history.replaceState(null, "", location.pathname);
    load(form, false);
  }));
  document.getElementById("more").addEventListener("click", () => load(form, true));
  const bar = document.getElementById("bulk-bar");
  bar.addEventListener("submit", (ev) => ev.preventDefault());
  for (const button of bar.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => runBulk(button.dataset.action, form));
  }
  bar.elements.tags.addEventListener("input", (ev) => suggestTags(api, ev.target));
  for (const button of document.querySelectorAll("button.export")) {
    button.addEventListener("click", () => download(button.dataset.format, form));
  }
  names = await areaNames(api);
  load(form, false);
});
