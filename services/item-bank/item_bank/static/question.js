// Render an item the way a candidate sees it, and the small pieces the
// instructors' pages share. Item text is data: it only ever becomes text nodes.
import { h } from "/static/item-bank/common/mockcert.js";

export const STATUS_LABEL = { draft: "draft", in_review: "in review", approved: "approved", retired: "retired" };

export function badge(status) {
  return h("span", { class: `badge status-badge ${status}` }, STATUS_LABEL[status] || status);
}

// The question as the exam page shows it: stem, then options A-D as choices. For staff,
// `key` marks the correct option (checked, and said in words, not by colour alone).
export function question(stem, options, { name = "preview", key = null } = {}) {
  return h("div", { class: "question" },
    h("p", { class: "question-stem" }, stem || "(no question yet)"),
    h("div", { class: "options", role: "radiogroup", "aria-label": "Options" },
      ...(options || []).map((o) => h("div", { class: o.label === key ? "option is-key" : "option",
        dataset: o.label === key ? { key: "true" } : {} },
        h("label", {},
          h("input", { type: "radio", name, value: o.label, disabled: true, checked: o.label === key }),
          h("span", {}, `${o.label}. `, o.text || ""),
          o.label === key ? h("span", { class: "badge approved key-mark" }, " ✓ key") : null)))));
}

// The content areas' names by code (GET /api/domains), fetched once per page.
let areas = null;
export async function areaNames(api) {
  if (!areas) {
    try {
      const list = await api("GET", "/api/domains");
      areas = Object.fromEntries(list.map((d) => [d.code, d.name]));
    } catch {
      areas = {};
    }
  }
  return areas;
}

// An item id as every page shows it: the first 8 characters, linked to the item page.
export function itemLink(id, text = null) {
  return h("a", { href: `/instructor/items/${id}`, class: "item-id", title: `Item ${id}` },
    text === null ? h("code", {}, id.slice(0, 8)) : text);
}

// What a bulk action did, item by item.
export function bulkReport(report) {
  const verb = { submit_for_review: "sent for review", approve: "approved", return: "returned to draft",
    retire: "retired", tag: "tagged" }[report.action] || report.action;
  return [
    h("p", {}, h("strong", {}, `${report.done} ${verb}, ${report.refused} refused.`)),
    h("table", {},
      h("caption", {}, "Bulk action report"),
      h("thead", {}, h("tr", {}, ...["Item", "Result", "Status or reason"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...report.results.map((r) => h("tr", { dataset: { ok: String(r.ok) } },
        h("td", {}, /^[0-9a-f-]{36}$/i.test(r.id) ? itemLink(r.id) : r.id),
        h("td", {}, r.ok ? "done" : "refused"),
        h("td", {}, r.ok ? `${STATUS_LABEL[r.status] || r.status || ""}${r.version ? ` (v${r.version})` : ""}`
          : r.error))))),
  ];
}

export function shortText(text, n = 140) {
  const t = (text || "").replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

export function when(iso) {
  return iso ? iso.replace("T", " ").replace("Z", " UTC") : "";
}

export function itemIdFromPath() {
  const m = location.pathname.match(/^\/instructor\/items\/([0-9a-fA-F-]{36})/);
  return m ? m[1] : null;
}

// Tag suggestions from the tags in use (GET /api/tags) in the input's <datalist>: the
// part after the last comma is the prefix, each suggestion the whole value with that tag.
let tagTimer = null;
export function suggestTags(api, input) {
  clearTimeout(tagTimer);
  tagTimer = setTimeout(async () => {
    const parts = input.value.split(",");
    const prefix = parts.pop().trim();
    const before = parts.map((t) => t.trim()).filter(Boolean);
    try {
      const r = await api("GET", `/api/tags?prefix=${encodeURIComponent(prefix)}&limit=15`);
      const list = document.getElementById(input.getAttribute("list"));
      list.replaceChildren(...r.tags.filter((t) => !before.includes(t.tag)).map((t) =>
        h("option", { value: [...before, t.tag].join(", ") }, `${t.tag} (${t.items})`)));
    } catch { /* suggestions are a convenience: typing still works */ }
  }, 200);
}
