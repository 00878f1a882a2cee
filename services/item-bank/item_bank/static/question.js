// Render an item the way a candidate sees it, and the small pieces the
// instructors' pages share. Item text is data: it only ever becomes text nodes.
import { h } from "/static/item-bank/common/mockcert.js";

export const STATUS_LABEL = { draft: "draft", in_review: "in review", approved: "approved", retired: "retired" };

export function badge(status) {
  return h("span", { class: `badge status-badge ${status}` }, STATUS_LABEL[status] || status);
}

// The question as the exam page shows it: stem, then options A-D as choices.
export function question(stem, options, { name = "preview" } = {}) {
  return h("div", { class: "question" },
    h("p", { class: "question-stem" }, stem || "(no question yet)"),
    h("div", { class: "options", role: "radiogroup", "aria-label": "Options" },
      ...(options || []).map((o) => h("div", { class: "option" },
        h("label", {},
          h("input", { type: "radio", name, value: o.label, disabled: true }),
          h("span", {}, `${o.label}. `, o.text || ""))))));
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
