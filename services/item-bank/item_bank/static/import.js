import { api, flash, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";
import { itemLink } from "/static/item-bank/question.js";

function findingList(row) {
  return h("ul", {},
    ...(row.errors || []).map((e) => h("li", {}, `${e.field}: ${e.message}`)),
    ...(row.warnings || []).map((w) => h("li", { class: "lint-note lint-warning" }, `Warning, ${w.field}: ${w.message}`)));
}

function rowName(row) {
  return row.source ? `${row.row} (${row.source})` : String(row.row);
}

function summary(r) {
  const would = r.dry_run ? "would be " : "";
  const parts = [`${r.created} ${would}created`];
  if (r.updated) parts.push(`${r.updated} ${would}updated`);
  if (r.unchanged) parts.push(`${r.unchanged} unchanged`);
  parts.push(`${r.refused} ${would}refused`);
  return `${r.dry_run ? "Dry run, nothing written: " : ""}${parts.join(", ")}.`;
}

function report(r) {
  const refused = r.rows.filter((row) => row.status === "refused");
  const warned = r.rows.filter((row) => row.status !== "refused" && (row.warnings || []).length);
  const done = r.rows.filter((row) => row.status !== "refused");
  const lost = r.rows.filter((row) => (row.not_carried || []).length);
  return [
    h("p", { id: "import-summary" }, h("strong", {}, summary(r))),
    refused.length ? h("table", {},
      h("caption", {}, "Refused rows"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Why"))),
      h("tbody", {}, ...refused.map((row) => h("tr", {},
        h("td", {}, rowName(row)),
        h("td", {}, findingList(row)))))) : null,
    done.length ? h("table", {},
      h("caption", {}, r.dry_run ? "Rows that would be written" : "Rows written"),
      h("thead", {}, h("tr", {}, ...["Row", "Result", "Item", "Version"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...done.map((row) => h("tr", { dataset: { status: row.status } },
        h("td", {}, rowName(row)), h("td", {}, row.status),
        h("td", {}, row.id ? itemLink(row.id) : "new"), h("td", {}, row.version ? `v${row.version}` : ""))))) : null,
    lost.length ? h("table", {},
      h("caption", {}, "What the file held that an item cannot carry"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Left out"))),
      h("tbody", {}, ...lost.map((row) => h("tr", {},
        h("td", {}, rowName(row)),
        h("td", {}, h("ul", {}, ...row.not_carried.map((n) => h("li", {}, n)))))))) : null,
    warned.length ? h("table", {},
      h("caption", {}, "Created with warnings from the item checks"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Warnings"))),
      h("tbody", {}, ...warned.map((row) => h("tr", {},
        h("td", {}, rowName(row)),
        h("td", {}, findingList(row)))))) : null,
    !r.dry_run && (r.created || r.updated) ? h("p", {}, h("a", { href: "/instructor?status=draft" }, "See the new drafts"))
      : null,
  ].filter(Boolean);
}

const EXT = { jsonl: "jsonl", csv: "csv", moodle: "xml", qti: "zip" };

async function download(format, path = `/api/items/export?format=${format}`, name = `mockcert-items.${EXT[format]}`) {
  const resp = await fetch(path, {
    headers: { Authorization: `Bearer ${session().token}` }, cache: "no-store" });
  if (!resp.ok) { flash(`Download failed (HTTP ${resp.status}).`, "error"); return; }
  const url = URL.createObjectURL(await resp.blob());
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

document.addEventListener("DOMContentLoaded", () => {
  requireRole("instructor", "admin");
  const form = document.getElementById("import-form");
  const run = async (dryRun) => {
    const file = form.file.files[0];
    const box = document.getElementById("report");
    if (!file) { showProblem({ message: "Choose a file first.", errors: [{ field: "body", message: "choose a file" }] }, form); return; }
    const type = /\.csv$/i.test(file.name) || file.type === "text/csv" ? "text/csv"
      : /\.xml$/i.test(file.name) ? "application/xml"
        : /\.zip$/i.test(file.name) ? "application/zip" : "application/x-ndjson";
    const p = new URLSearchParams();
    if (dryRun) p.set("dry_run", "true");
    if (form.domain.value) p.set("domain", form.domain.value);
    box.replaceChildren(h("p", { class: "muted" }, `${dryRun ? "Checking" : "Importing"} ${file.name}…`));
    try {
      const body = type === "application/zip" ? await file.arrayBuffer() : await file.text();
      const r = await api("POST", `/api/items/import${p.toString() ? `?${p}` : ""}`, body,
        { raw: true, headers: { "Content-Type": type } });
      box.replaceChildren(...report(r));
      flash(`${dryRun ? "" : "Import finished: "}${summary(r)}`, r.refused ? "warn" : "ok");
    } catch (err) {
      box.replaceChildren(h("p", { class: "muted" }, "Nothing was imported."));
      showProblem(err, form);
    }
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(false); });
  document.getElementById("dry-run").addEventListener("click", () => run(true));
  for (const button of document.querySelectorAll("button.template")) {
    const fmt = button.dataset.format;
    button.addEventListener("click", () => download(fmt, `/api/items/import/template?format=${fmt}`,
      `mockcert-items-template.${fmt}`));
  }
  document.getElementById("export-jsonl").addEventListener("click", () => download("jsonl"));
  document.getElementById("export-csv").addEventListener("click", () => download("csv"));
  document.getElementById("export-moodle").addEventListener("click", () => download("moodle"));
  document.getElementById("export-qti").addEventListener("click", () => download("qti"));
});
