import { api, h, requireRole, showProblem } from "/static/item-bank/common/mockcert.js";
import { badge, shortText, when } from "/static/item-bank/question.js";

const FIELDS = ["q", "domain", "status", "tag", "author", "code_set_year"];
let cursor = null;

function params(form) {
  const p = new URLSearchParams();
  for (const name of FIELDS) {
    const v = form.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  return p;
}

function row(item) {
  return h("tr", {},
    h("td", {}, h("a", { href: `/instructor/items/${item.id}` }, shortText(item.stem, 110))),
    h("td", {}, item.domain),
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
    let body = results.querySelector("tbody");
    if (!append || !body) {
      body = h("tbody", { id: "item-rows" });
      results.replaceChildren(
        h("table", { "aria-describedby": "results-h" },
          h("thead", {}, h("tr", {}, ...["Question", "Domain", "Status", "Version", "Author", "Code set", "Updated"]
            .map((t) => h("th", { scope: "col" }, t)))),
          body));
    }
    body.append(...page.items.map(row));
    if (!append && !page.items.length) results.replaceChildren(h("p", { class: "muted" }, "No items match."));
  } catch (err) {
    showProblem(err, form);
  }
}

document.addEventListener("DOMContentLoaded", () => {
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
  load(form, false);
});
