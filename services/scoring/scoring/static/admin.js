// Shared by the admin pages: the page stylesheet, the blueprint picker, formatting.

import { api, h } from "/static/scoring/common/mockcert.js";

export function pageStyles() {
  if (!document.querySelector('link[data-scoring-css]')) {
    document.head.append(h("link", { rel: "stylesheet", href: "/static/scoring/scoring.css", "data-scoring-css": "1" }));
  }
}

export const pct = (v, d = 1) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(d)} %`);
export const num = (v, d = 2) => (v === null || v === undefined ? "—" : Number(v).toFixed(d));
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

// Fill a <select> with the blueprints that have scored attempts; returns the summaries.
export async function blueprintPicker(select, { allLabel = null } = {}) {
  const out = await api("GET", "/api/stats/blueprints");
  const opts = out.blueprints.map((b) => h("option", { value: b.blueprint_id }, `${b.blueprint_name} (${b.attempts})`));
  if (allLabel !== null) opts.unshift(h("option", { value: "" }, allLabel));
  // An empty picker reads as broken: say why there is nothing to pick.
  if (!opts.length) opts.push(h("option", { value: "" }, "No scored attempts yet"));
  select.replaceChildren(...opts);
  const wanted = new URLSearchParams(location.search).get("blueprint_id");
  if (wanted !== null && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  return out;
}

export function kpi(label, value, note) {
  return [h("div", { class: "kpi" }, h("dt", {}, label), h("dd", {}, value, note ? h("span", { class: "muted note" }, ` ${note}`) : ""))];
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : "";
}
