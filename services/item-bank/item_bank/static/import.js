import { api, flash, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";

function findingList(row) {
  return h("ul", {},
    ...(row.errors || []).map((e) => h("li", {}, `${e.field}: ${e.message}`)),
    ...(row.warnings || []).map((w) => h("li", { class: "lint-note lint-warning" }, `Warning, ${w.field}: ${w.message}`)));
}

function report(r) {
  const refused = r.rows.filter((row) => row.status === "refused");
  const warned = r.rows.filter((row) => row.status === "created" && (row.warnings || []).length);
  return [
    h("p", {}, h("strong", {}, `${r.created} created, ${r.refused} refused.`)),
    refused.length ? h("table", {},
      h("caption", {}, "Refused rows"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Why"))),
      h("tbody", {}, ...refused.map((row) => h("tr", {},
        h("td", {}, String(row.row)),
        h("td", {}, findingList(row)))))) : null,
    warned.length ? h("table", {},
      h("caption", {}, "Created with warnings from the item checks"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Warnings"))),
      h("tbody", {}, ...warned.map((row) => h("tr", {},
        h("td", {}, String(row.row)),
        h("td", {}, findingList(row)))))) : null,
    r.created ? h("p", {}, h("a", { href: "/instructor?status=draft" }, "See the new drafts")) : null,
  ].filter(Boolean);
}

async function download(format) {
  const resp = await fetch(`/api/items/export?format=${format}`, {
    headers: { Authorization: `Bearer ${session().token}` }, cache: "no-store" });
  if (!resp.ok) { flash(`Export failed (HTTP ${resp.status}).`, "error"); return; }
  const url = URL.createObjectURL(await resp.blob());
  const a = h("a", { href: url, download: `mockcert-items.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

document.addEventListener("DOMContentLoaded", () => {
  requireRole("instructor", "admin");
  const form = document.getElementById("import-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = form.file.files[0];
    const box = document.getElementById("report");
    if (!file) { showProblem({ message: "Choose a file first.", errors: [{ field: "body", message: "choose a file" }] }, form); return; }
    const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
    box.replaceChildren(h("p", { class: "muted" }, `Importing ${file.name}…`));
    try {
      const r = await api("POST", "/api/items/import", await file.text(),
        { raw: true, headers: { "Content-Type": csv ? "text/csv" : "application/x-ndjson" } });
      box.replaceChildren(...report(r));
      flash(`Import finished: ${r.created} created, ${r.refused} refused.`, r.refused ? "warn" : "ok");
    } catch (err) {
      box.replaceChildren(h("p", { class: "muted" }, "Nothing was imported."));
      showProblem(err, form);
    }
  });
  document.getElementById("export-jsonl").addEventListener("click", () => download("jsonl"));
  document.getElementById("export-csv").addEventListener("click", () => download("csv"));
});
