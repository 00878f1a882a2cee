import { h } from "/static/common/mockcert.js";

// A readable list of every operation of the three documents, with its roles.
document.addEventListener("DOMContentLoaded", async () => {
  const box = document.getElementById("reference");
  for (const name of ["item-bank", "exam-delivery", "scoring"]) {
    const resp = await fetch(`/openapi/${name}.json`);
    if (!resp.ok) { box.append(h("p", { class: "flash error" }, `${name}: unavailable`)); continue; }
    const doc = await resp.json();
    const rows = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        rows.push(h("tr", {}, h("td", {}, h("code", {}, method.toUpperCase())), h("td", {}, h("code", {}, path)),
          h("td", {}, op.summary || ""), h("td", {}, (op["x-roles"] || []).join(", "))));
      }
    }
    box.append(h("h2", {}, doc.info.title), h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}, "Method"), h("th", {}, "Path"), h("th", {}, "What"), h("th", {}, "Roles"))),
      h("tbody", {}, rows)));
  }
});
