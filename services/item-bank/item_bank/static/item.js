import { api, flash, fmtPercent, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";
import { STATUS_LABEL, areaNames, badge, itemIdFromPath, question, when } from "/static/item-bank/question.js";

const itemId = itemIdFromPath();
let current = null;
let names = {};

// What each statistical flag means and what to do about it (the item quality table's flags).
const FLAG_ADVICE = {
  too_hard: ["Too hard (under 20 % correct)",
    "Check the key first; then whether the stem asks what the rationale answers. Edit, or retire if it cannot be fixed."],
  doubtful: ["Hard (20–30 % correct)", "Read the distractors: is one also defensible? Edit the item if so."],
  review_difficulty: ["Easy (90–96 % correct)", "Make a distractor more plausible, or keep it as an easy item."],
  too_easy: ["Too easy (96 % or more correct)",
    "The distractors do not work: edit them, or retire the item."],
  weak_discrimination: ["Low discrimination",
    "Strong and weak candidates answer it alike: look for ambiguity in the stem or a second right answer; edit."],
  non_functioning_distractor: ["A distractor does not work",
    "Replace the distractor nobody (or the strong candidates) chooses; edit."],
  possible_miskey: ["Possible miskey",
    "Strong candidates prefer a distractor: check the key against the code book. Edit the key, or retire."],
};

function fmt(x, digits = 2) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
}

function renderHead(item) {
  const inService = item.approved_version
    ? (item.approved_version === item.version ? "this version is in service"
      : `version ${item.approved_version} is in service until this one is approved`)
    : "no version in service";
  const area = names[item.domain] || item.domain;
  document.getElementById("item-head").replaceChildren(...[
    h("p", {}, h("strong", { id: "item-area", title: item.domain }, area),
      h("strong", {}, ` · version ${item.version} of ${item.versions} `), badge(item.status),
      " ", h("span", { class: "muted" }, inService)),
    h("p", {}, "Item id ", h("code", { id: "item-id" }, item.id), " ",
      h("button", { type: "button", class: "small", onclick: () => navigator.clipboard?.writeText(item.id)
        .then(() => flash("Item id copied.", "ok"), () => {}) }, "Copy id")),
    h("p", { class: "muted" }, `Written by ${item.author_name} on ${when(item.updated_at)}; item created by `
      + `${item.created_by_name} on ${when(item.created_at)}. Code set ${item.code_set_year}.`),
    item.tags.length ? h("p", {}, "Tags: ", ...item.tags.map((t) => h("span", { class: "badge" }, t))) : null,
    item.status === "in_review"
      ? h("p", { class: "muted" }, "In review: send it back to draft to edit it.")
      : h("p", {}, h("a", { class: "button", href: `/instructor/items/${item.id}/edit` },
        item.status === "approved" ? "Edit (writes a new version)" : "Edit")),
  ].filter(Boolean));
  document.title = `Item ${item.id.slice(0, 8)} · ${area} v${item.version} · mockcert`;
}

function renderCurrent(item) {
  document.getElementById("current").replaceChildren(question(item.stem, item.options, { key: item.key }));
  document.getElementById("current-key").replaceChildren(...[
    h("p", {}, h("strong", {}, `Key: ${item.key}`)),
    h("p", { class: "question-stem" }, item.rationale),
    item.references.length ? h("ul", {}, ...item.references.map((r) => h("li", {}, r))) : null,
  ].filter(Boolean));
}

async function move(to, version) {
  const form = document.getElementById("transition-form");
  const body = { to, comment: form.comment.value };
  if (version) body.version = version;
  try {
    await api("POST", `/api/items/${itemId}/transitions`, body);
    form.comment.value = "";
    flash(`Moved to ${STATUS_LABEL[to]}.`, "ok");
    await load();
  } catch (err) {
    showProblem(err, form);
  }
}

function renderActions(item) {
  const me = session().user;
  const buttons = [];
  const b = (label, to, cls = "", version = null, extra = {}) =>
    h("button", { type: "button", class: cls, onclick: () => move(to, version), ...extra }, label);
  if (item.status === "draft") buttons.push(b("Submit for review", "in_review", "primary"));
  if (item.status === "in_review") {
    const own = item.author_name === me;
    buttons.push(b("Approve", "approved", "primary", null,
      own ? { disabled: true, title: "You wrote this version: another instructor must approve it" } : {}));
    buttons.push(b("Send back to draft", "draft"));
    if (own) buttons.push(h("p", { class: "muted" }, "You wrote this version: another instructor must approve it."));
  }
  if (item.status === "approved") buttons.push(b("Retire", "retired", "danger"));
  if (item.status === "retired") buttons.push(b("Reopen as draft", "draft"));
  if (item.approved_version && item.approved_version !== item.version) {
    buttons.push(b(`Retire version ${item.approved_version} (in service)`, "retired", "danger", item.approved_version));
  }
  document.getElementById("action-buttons").replaceChildren(...buttons.flatMap((x) => [x, " "]));
}

function renderVersions(list) {
  const rows = list.versions.slice().reverse().map((v) => h("tr", {},
    h("td", {}, `v${v.version}`), h("td", {}, badge(v.status)), h("td", {}, v.in_service ? "yes" : ""),
    h("td", {}, v.author_name), h("td", {}, when(v.created_at)), h("td", {}, when(v.status_changed_at))));
  document.getElementById("versions").replaceChildren(h("table", {},
    h("thead", {}, h("tr", {}, ...["Version", "Status", "In service", "Author", "Written", "Status since"]
      .map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows)));
  const from = document.getElementById("diff-from");
  const to = document.getElementById("diff-to");
  const opts = (sel) => list.versions.map((v) => h("option", { value: v.version, selected: v.version === sel }, `v${v.version}`));
  const last = list.versions.length;
  from.replaceChildren(...opts(Math.max(1, last - 1)));
  to.replaceChildren(...opts(last));
  document.getElementById("diff-form").hidden = last < 2;
}

async function showDiff(ev) {
  ev.preventDefault();
  const form = ev.target;
  const target = document.getElementById("diff");
  try {
    const d = await api("GET", `/api/items/${itemId}/diff?from=${form.from.value}&to=${form.to.value}`);
    if (!d.changes.length) { target.replaceChildren(h("p", { class: "muted" }, "No differences.")); return; }
    target.replaceChildren(h("dl", {}, ...d.changes.flatMap((c) => [
      h("dt", {}, c.field),
      h("dd", { class: "question-stem" }, ...c.segments.map((s) =>
        s.op === "equal" ? s.text
          : h(s.op === "delete" ? "del" : "ins", { class: s.op === "delete" ? "diff-del" : "diff-add" }, s.text))),
    ])));
  } catch (err) {
    showProblem(err, form);
  }
}

function renderAudit(audit) {
  document.getElementById("audit").replaceChildren(h("table", {},
    h("thead", {}, h("tr", {}, ...["When", "Who", "Version", "What", "Comment"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...audit.entries.slice().reverse().map((e) => h("tr", {},
      h("td", {}, when(e.at)), h("td", {}, e.actor_name), h("td", {}, `v${e.version}`),
      h("td", {}, e.action === "transition" ? `${STATUS_LABEL[e.from_status]} → ${STATUS_LABEL[e.to_status]}`
        : `${e.action} (${STATUS_LABEL[e.to_status] || ""})`),
      h("td", {}, e.comment))))));
}

async function renderStats() {
  const box = document.getElementById("stats");
  let data = null;
  try {
    data = await api("GET", `/api/stats/items?item_id=${encodeURIComponent(itemId)}&min_n=0`);
  } catch (err) {
    // A failed call is not "no data": say so, so nobody reads an outage as an unused item.
    const why = err && err.status ? ` (scoring answered ${err.status})` : "";
    box.replaceChildren(h("p", { class: "flash error", role: "alert", dataset: { state: "error" } },
      `Statistics could not be loaded${why}. Reload the page to try again.`));
    return;
  }
  const rows = (data && Array.isArray(data.items) ? data.items : []).filter((s) => !s.item_id || s.item_id === itemId);
  if (!rows.length) { box.replaceChildren(h("p", { class: "muted" }, "No statistics yet.")); return; }
  rows.sort((a, b) => b.version - a.version);
  const flagged = [...new Set(rows.flatMap((s) => s.flags || []))];
  const advice = flagged.length ? h("div", { id: "what-to-do" },
    h("h3", {}, "What to do"),
    h("ul", {}, ...flagged.map((f) => h("li", { dataset: { flag: f } },
      h("strong", {}, (FLAG_ADVICE[f] || [f])[0]), ": ", (FLAG_ADVICE[f] || [f, ""])[1]))),
    h("p", {},
      current && current.status !== "in_review"
        ? h("a", { class: "button", href: `/instructor/items/${itemId}/edit` }, "Edit this item") : null, " ",
      h("a", { href: "#actions" }, current && current.approved_version ? "Retire it (Review, above)"
        : "Review and status (above)"))) : null;
  box.replaceChildren(...[h("table", {},
    h("thead", {}, h("tr", {}, ...["Version", "Responses (n)", "Difficulty (p)", "Discrimination (r_pb)",
      "Corrected r_pb", "Options chosen", "Flags"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows.map((s) => h("tr", {},
      h("td", {}, `v${s.version}`), h("td", {}, String(s.n)), h("td", {}, fmtPercent(s.p)),
      h("td", {}, fmt(s.r_pb)), h("td", {}, fmt(s.r_pb_corrected)),
      h("td", { title: s.suppression_reason || null }, s.options_suppressed
        ? `withheld: fewer than ${data.option_min_n} responses`
        : (s.options || []).map((o) => `${o.label} ${fmtPercent(o.share, 0)}`).join(", ")),
      h("td", {}, ...(s.flags || []).map((f) => h("span", { class: "badge flag", title: f },
        (FLAG_ADVICE[f] || [f])[0]))))))), advice].filter(Boolean));
}

async function load() {
  try {
    const [item, versions, audit] = await Promise.all([
      api("GET", `/api/items/${itemId}`),
      api("GET", `/api/items/${itemId}/versions`),
      api("GET", `/api/items/${itemId}/audit`),
    ]);
    current = item;
    renderHead(item);
    renderCurrent(item);
    renderActions(item);
    renderVersions(versions);
    renderAudit(audit);
  } catch (err) {
    showProblem(err, null);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("instructor", "admin");
  names = await areaNames(api);
  const saved = new URLSearchParams(location.search).get("saved");
  document.getElementById("diff-form").addEventListener("submit", showDiff);
  document.getElementById("transition-form").addEventListener("submit", (ev) => ev.preventDefault());
  await load();
  if (saved && current) flash(`Saved version ${saved} as a draft.`, "ok");
  renderStats();
});
