import { api, h, requireRole, showProblem } from "/static/item-bank/common/mockcert.js";
import { areaNames, itemLink, shortText } from "/static/item-bank/question.js";

let cursor = null;
let names = {};

async function load(append) {
  const box = document.getElementById("rollover");
  const more = document.getElementById("more");
  const p = new URLSearchParams({ limit: "100" });
  if (append && cursor) p.set("cursor", cursor);
  try {
    const page = await api("GET", `/api/items/rollover?${p}`);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    document.getElementById("rollover-intro").textContent =
      `${page.total} approved ${page.total === 1 ? "item in service was" : "items in service were"} written for a code `
      + `set older than ${page.current_code_set_year}. `
      + "Review them at the annual code update: edit (a new version) or retire.";
    const rows = page.items.map((v, i) => h("tr", {},
      h("td", {}, itemLink(page.item_ids[i])),
      h("td", {}, h("a", { href: `/instructor/items/${page.item_ids[i]}` }, shortText(v.stem, 110))),
      h("td", { title: v.domain }, names[v.domain] || v.domain), h("td", {}, String(v.code_set_year)),
      h("td", {}, `v${v.version}`)));
    let body = box.querySelector("tbody");
    if (!append || !body) {
      body = h("tbody", {});
      box.replaceChildren(h("table", {},
        h("thead", {}, h("tr", {}, ...["Id", "Question", "Area", "Code set", "Version"].map((t) => h("th", { scope: "col" }, t)))),
        body));
    }
    body.append(...rows);
    if (!append && !rows.length) box.replaceChildren(h("p", { class: "muted" }, "Every approved item is up to date."));
  } catch (err) {
    showProblem(err, null);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("instructor", "admin");
  document.getElementById("more").addEventListener("click", () => load(true));
  names = await areaNames(api);
  load(false);
});
