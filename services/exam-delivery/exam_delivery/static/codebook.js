// The open code book: a "Code book" button and a side panel (a full-screen sheet on a
// phone) with the ICD-10-CM and HCPCS Level II code sets the item bank serves read-only
// (/api/codebook/...), as the real exam lets candidates open their own manuals.
// CPT is the AMA's: the CPT tab only says that the CPT manual is the candidate's own.
//
// window.mockcertCodeBook.mount(host, options) adds the button to `host`; on the exam
// screen it mounts itself into #codebook-host. Options: {label: "Code book"}.
// Keyboard: the button opens the panel and focus goes to the search box; Esc closes it and
// focus returns to the button; the tabs follow the ARIA tabs pattern (arrows, Home, End).
// Keys typed in the panel never reach the exam's shortcuts (A-D, N, P, F).

import { ApiError, api, h } from "/static/common/mockcert.js";

const SETS = {
  icd: { name: "ICD-10-CM", search: "/api/codebook/icd10cm/search", code: "/api/codebook/icd10cm/codes/",
         hint: "Words or a code: \"type 2 diabetes\", \"E11.9\", \"S52.5\"" },
  hcpcs: { name: "HCPCS", search: "/api/codebook/hcpcs/search", code: "/api/codebook/hcpcs/codes/",
           hint: "Words or a code: \"vitamin B-12\", \"J3420\", \"E01\"" },
  cpt: { name: "CPT" },
};
const CPT_TEXT = "The CPT manual is your own, as at the real exam: open your CPT Professional Edition. " +
  "CPT descriptors are the American Medical Association's copyright, so the code book shows nothing of CPT.";
const KIND = { chapter: "Chapter", block: "Block", category: "Category", subcategory: "Subcategory",
               code: "Code with 7th character" };
const NOTE_SECTIONS = [
  ["includes", "Includes"], ["inclusion_terms", "Inclusion terms"], ["excludes1", "Excludes1 (not coded here)"],
  ["excludes2", "Excludes2 (not included here)"], ["code_first", "Code first"],
  ["use_additional_code", "Use additional code"], ["code_also", "Code also"], ["notes", "Notes"],
];
const DEBOUNCE_MS = 250;
let panels = 0;

function ensureStyles() {
  if (document.querySelector("link[data-codebook]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/codebook.css", "data-codebook": "" }));
}

function problemText(err) {
  if (err instanceof ApiError) {
    if (err.status === 404) return "No such code in this code set.";
    const fields = (err.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
    return fields || err.message;
  }
  return "The code book could not be reached. Check the connection and search again.";
}

export function mount(host, options = {}) {
  if (!host || host.dataset.codebookMounted) return null;
  host.dataset.codebookMounted = "true";
  ensureStyles();
  const n = ++panels;
  const ids = (x) => `codebook-${x}-${n}`;
  const label = options.label || "Code book";

  let set = "icd";
  let seq = 0; // only the latest search or code request may draw
  let timer = null;
  let lastHit = null; // the result button to return to from a code's page
  let info = null;

  const openBtn = h("button", {
    type: "button", class: "exam-tool codebook-open", "aria-haspopup": "dialog", "aria-expanded": "false",
    "aria-controls": ids("panel"),
  }, label);
  const closeBtn = h("button", { type: "button", class: "codebook-close" }, "Close");
  closeBtn.setAttribute("aria-label", `Close the ${label.toLowerCase()}`);
  const edition = h("p", { class: "codebook-edition", id: ids("edition") });
  const tabs = Object.entries(SETS).map(([key, s]) => h("button", {
    type: "button", role: "tab", id: ids(`tab-${key}`), "aria-controls": ids("tabpanel"),
    "aria-selected": key === set ? "true" : "false", tabindex: key === set ? "0" : "-1", dataset: { set: key },
  }, s.name));
  const tablist = h("div", { role: "tablist", class: "codebook-tabs", "aria-label": "Code set" }, tabs);
  const input = h("input", {
    type: "search", id: ids("q"), name: "q", maxlength: "100", autocomplete: "off", spellcheck: "false",
    "aria-describedby": ids("hint"),
  });
  const searchLabel = h("label", { for: ids("q") }, "Search ICD-10-CM");
  const hint = h("p", { class: "codebook-hint", id: ids("hint") }, SETS.icd.hint);
  const form = h("form", { class: "codebook-search", role: "search" }, searchLabel,
    h("div", { class: "codebook-search-row" }, input, h("button", { type: "submit" }, "Search")), hint);
  const status = h("p", { class: "codebook-status", role: "status", "aria-live": "polite" });
  const results = h("ul", { class: "codebook-results", "aria-label": "Results" });
  const detail = h("div", { class: "codebook-detail", hidden: true });
  const cpt = h("div", { class: "codebook-cpt", hidden: true }, h("p", {}, CPT_TEXT));
  const tabpanel = h("div", { role: "tabpanel", id: ids("tabpanel"), "aria-labelledby": ids("tab-icd"),
                              class: "codebook-body" }, form, status, results, detail, cpt);
  const title = h("h2", { id: ids("title") }, label);
  const panel = h("div", {
    id: ids("panel"), class: "codebook-panel", role: "dialog", "aria-labelledby": ids("title"),
    "aria-describedby": ids("edition"), hidden: true,
  }, h("div", { class: "codebook-head" }, title, closeBtn), edition, tablist, tabpanel);

  host.append(openBtn);
  document.body.append(panel);

  // ------------------------------------------------------------------ open / close

  function open() {
    panel.hidden = false;
    openBtn.setAttribute("aria-expanded", "true");
    document.body.classList.add("codebook-is-open");
    loadInfo();
    (set === "cpt" ? tabs[2] : input).focus();
  }

  function close() {
    panel.hidden = true;
    openBtn.setAttribute("aria-expanded", "false");
    document.body.classList.remove("codebook-is-open");
    openBtn.focus();
  }

  openBtn.addEventListener("click", () => (panel.hidden ? open() : close()));
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); close(); }
    // The exam's shortcuts listen on the document: keys typed here are the code book's.
    ev.stopPropagation();
  });

  async function loadInfo() {
    if (info) return;
    try {
      info = await api("GET", "/api/codebook");
      edition.textContent = `${info.icd10cm.name} ${info.icd10cm.year} and ${info.hcpcs.name} ` +
        `${info.hcpcs.year}, read-only. CPT: your own manual.`;
    } catch (err) {
      edition.textContent = "ICD-10-CM and HCPCS Level II, read-only. CPT: your own manual.";
    }
  }

  // ------------------------------------------------------------------ tabs

  function selectTab(key, focus) {
    set = key;
    tabs.forEach((t) => {
      const on = t.dataset.set === key;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    });
    tabpanel.setAttribute("aria-labelledby", ids(`tab-${key}`));
    const isCpt = key === "cpt";
    form.hidden = isCpt;
    cpt.hidden = !isCpt;
    results.replaceChildren();
    detail.hidden = true;
    detail.replaceChildren();
    status.textContent = "";
    if (!isCpt) {
      searchLabel.textContent = `Search ${SETS[key].name}${key === "hcpcs" ? " Level II" : ""}`;
      hint.textContent = SETS[key].hint;
      if (input.value.trim()) search();
    }
  }

  tabs.forEach((t, i) => {
    t.addEventListener("click", () => selectTab(t.dataset.set, true));
    t.addEventListener("keydown", (ev) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
      if (!(ev.key in moves)) return;
      ev.preventDefault();
      const next = tabs[(moves[ev.key] + tabs.length) % tabs.length];
      selectTab(next.dataset.set, true);
    });
  });

  // ------------------------------------------------------------------ search

  form.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); search(); });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });

  const SHOWN = 25; // results shown for one search

  async function search() {
    const q = input.value.trim();
    const mine = ++seq;
    detail.hidden = true;
    results.hidden = false;
    if (!q) { results.replaceChildren(); status.textContent = ""; return; }
    status.textContent = "Searching…";
    try {
      // One more than are shown: a full page then says there are more, never "25 codes found" for hundreds.
      const body = await api("GET", `${SETS[set].search}?q=${encodeURIComponent(q)}&limit=${SHOWN + 1}`);
      if (mine !== seq) return;
      const all = body.hits || [];
      const hits = all.slice(0, SHOWN);
      results.replaceChildren(...hits.map((hit) => h("li", {}, hitButton(hit))));
      status.textContent = all.length > SHOWN
        ? `More than ${SHOWN} codes found for “${q}”: the ${SHOWN} closest are shown. Add words, or type more of the code.`
        : hits.length
          ? `${hits.length} ${hits.length === 1 ? "code" : "codes"} found for “${q}”.`
          : `Nothing found for “${q}”. Try fewer or other words, or the start of a code.`;
    } catch (err) {
      if (mine !== seq) return;
      results.replaceChildren();
      status.textContent = problemText(err);
    }
  }

  function hitButton(hit) {
    const text = hit.title || hit.descriptor || "";
    const badge = set === "icd" ? billableBadge(hit) : null;
    const btn = h("button", { type: "button", class: "codebook-hit", dataset: { code: hit.code } },
      h("span", { class: "codebook-code" }, hit.code), " ",
      h("span", { class: "codebook-title" }, text),
      hit.term ? h("span", { class: "codebook-term" }, `Listed term: ${hit.term}`) : null, badge);
    btn.addEventListener("click", () => { lastHit = btn; showCode(hit.code); });
    return btn;
  }

  function billableBadge(entry) {
    if (entry.kind === "chapter" || entry.kind === "block") return null;
    return h("span", { class: `codebook-badge ${entry.billable ? "billable" : "heading"}` },
      entry.billable ? "Billable" : "Not billable");
  }

  // ------------------------------------------------------------------ a code's page

  async function showCode(code) {
    const mine = ++seq;
    status.textContent = `Opening ${code}…`;
    try {
      const body = await api("GET", SETS[set].code + encodeURIComponent(code));
      if (mine !== seq) return;
      detail.replaceChildren(...(set === "icd" ? icdPage(body) : hcpcsPage(body)));
      results.hidden = true;
      detail.hidden = false;
      status.textContent = "";
      const heading = detail.querySelector("h3");
      if (heading) heading.focus();
    } catch (err) {
      if (mine !== seq) return;
      status.textContent = problemText(err);
    }
  }

  function backButton() {
    const btn = h("button", { type: "button", class: "codebook-back" }, "Back to the results");
    btn.addEventListener("click", () => {
      detail.hidden = true;
      results.hidden = false;
      if (lastHit && lastHit.isConnected) lastHit.focus(); else input.focus();
    });
    return btn;
  }

  function codeLink(entry, text) {
    const btn = h("button", { type: "button", class: "codebook-link", dataset: { code: entry.code } },
      text || (entry.kind === "chapter" ? `Chapter ${entry.code}` : entry.code));
    btn.addEventListener("click", () => showCode(entry.code));
    return btn;
  }

  function noteLists(source, headingTag) {
    const out = [];
    for (const [field, name] of NOTE_SECTIONS) {
      const lines = source[field] || [];
      if (!lines.length) continue;
      out.push(h(headingTag, { class: `codebook-note-h ${field}` }, name),
        h("ul", { class: `codebook-notes ${field}` }, lines.map((line) => h("li", {}, line))));
    }
    return out;
  }

  function icdPage(c) {
    const parts = [backButton(),
      h("h3", { tabindex: "-1", class: "codebook-detail-h" },
        h("span", { class: "codebook-code" }, c.kind === "chapter" ? `Chapter ${c.code}` : c.code), " ", c.title)];
    const facts = [KIND[c.kind] || c.kind];
    if (c.kind !== "chapter" && c.kind !== "block") {
      const needsSeventh = c.children.length && c.children.every((child) => child.kind === "code");
      facts.push(c.billable ? "billable"
        : (needsSeventh ? "not billable without a 7th character" : "not billable: code to a more specific level"));
    }
    parts.push(h("p", { class: "codebook-facts" }, `${facts.join(", ")} · ICD-10-CM ${c.year}`));
    if (c.parents.length) {
      const crumbs = [];
      c.parents.forEach((p, i) => { if (i) crumbs.push(" › "); crumbs.push(codeLink(p)); });
      parts.push(h("nav", { class: "codebook-path", "aria-label": "Place in the tabular list" }, crumbs));
    }
    parts.push(...noteLists(c, "h4"));
    if (c.seventh_character) parts.push(seventhTable(c.seventh_character, c.code));
    for (const above of c.inherited || []) {
      parts.push(h("section", { class: "codebook-inherited", "aria-label": `Notes at ${above.code}` },
        h("h4", {}, "Also applies here, written at ", codeLink(above), ` ${above.title}`), ...noteLists(above, "h5")));
    }
    if (c.children.length) {
      parts.push(h("h4", {}, `Codes under ${c.code}`),
        h("ul", { class: "codebook-children" }, c.children.map((child) => h("li", {},
          codeLink(child), " ", child.title, " ", billableBadge(child)))));
    }
    return parts;
  }

  function seventhTable(table, code) {
    const rows = table.characters.map((ch) => h("tr", {},
      h("th", { scope: "row", class: "codebook-code" }, ch.character), h("td", {}, ch.meaning)));
    const where = table.defined_at === code ? "" : ` (written at ${table.defined_at})`;
    return h("section", { class: "codebook-seventh", "aria-label": "7th characters" },
      h("h4", {}, `7th characters${where}`),
      table.note ? h("p", { class: "codebook-hint" }, table.note) : null,
      h("table", { class: "codebook-seventh-table" },
        h("caption", { class: "sr-only" }, `7th characters for ${code}`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Character"), h("th", { scope: "col" }, "Meaning"))),
        h("tbody", {}, rows)));
  }

  function hcpcsPage(c) {
    return [backButton(),
      h("h3", { tabindex: "-1", class: "codebook-detail-h" }, h("span", { class: "codebook-code" }, c.code), " ",
        c.descriptor),
      h("p", { class: "codebook-facts" }, `${c.category} · HCPCS Level II ${c.year}`),
      c.note ? h("p", { class: "codebook-warning" }, c.note) : null,
      h("p", { class: "codebook-hint" }, "Short descriptor in plain words; check units and modifiers in your manual.")];
  }

  return { open, close, button: openBtn, panel };
}

window.mockcertCodeBook = { mount };

// On the exam screen the blueprint decides (tools.js reads the attempt's `code_book` and sets
// data-codebook "on" or "off" on the host, then sends "mockcert:codebook"): mounted only when on.
function autoMount() {
  const host = document.getElementById("codebook-host");
  if (!host) return;
  const decide = () => { if (host.dataset.codebook === "on") mount(host); };
  if (host.dataset.codebook) decide();
  else host.addEventListener("mockcert:codebook", decide, { once: true });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
else autoMount();
