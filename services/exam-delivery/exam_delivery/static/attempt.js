// The exam screen: one question at a time, a navigator, flags, keyboard
// shortcuts, a countdown driven by the server, and answers that are never lost
// (a local queue sends each change until the server acknowledges it). The next
// few questions are fetched ahead (stems and options: the server never sends a
// key), so moving on works through a lost connection.

import { ApiError, flash, h, requireRole } from "/static/common/mockcert.js";
import {
  Countdown, LABELS, SaveQueue, attemptIdFromPath, confirmDialog, examChrome, icon, renderQueueState, request, showBox,
  warningText,
} from "/static/exam-common.js";

const RESYNC_MS = 30000;
const PREFETCH = 3; // questions fetched ahead of the one on screen
const WARNING_FADE_MS = 60000; // the 30-minute warning steps aside after a minute; 5 and 1 stay
const id = attemptIdFromPath();
const base = `/api/attempts/${encodeURIComponent(id)}`;
const el = (x) => document.getElementById(x);

let summary = null;
let items = []; // position-1 -> {position, domain, answered, flagged, locked, part}
let current = 1;
let countdown = null;
let over = false;
const questions = new Map(); // position -> question as the server sent it
const local = new Map(); // position -> {selected?, flagged?} changed on this page (wins over the server's copy)
let shown = 0; // the position whose question is on screen (0 while one loads)
let loadFailed = false; // the question on screen could not be fetched (offline): shown again when back online
const loading = new Map(); // position -> the request in flight (a prefetch and a click share it)
const queue = new SaveQueue(id, () => { renderQueueState(queue); renderNavigator(); renderAnswerState(); });
queue.onClosed = (err) => {
  if (queue.closed) finish("Answers are closed: " + err.message);
  else flash(err.message, "error");
};

// Local truth for a position: unsaved changes (this page's or a previous one's, from
// the queue), then what this page changed, then the server's copy.
function known(pos, field) {
  for (const source of [queue.change(pos), local.get(pos), questions.get(pos)]) {
    if (source && field in source) return { value: source[field] };
  }
  return null;
}

function selectedOf(pos) {
  const k = known(pos, "selected");
  return k ? k.value : undefined; // unknown until fetched; the navigator knows answered or not
}

function answered(pos) {
  const k = known(pos, "selected");
  return k ? k.value !== null : items[pos - 1].answered;
}

function flagged(pos) {
  const k = known(pos, "flagged");
  return k ? k.value : items[pos - 1].flagged;
}

function renderNavigator() {
  const nav = el("navigator");
  if (!nav || !items.length) return;
  if (nav.children.length !== items.length) {
    nav.replaceChildren(...items.map((it) => h("li", {}, h("button", {
      type: "button", "data-pos": it.position, onclick: () => go(it.position),
    }, String(it.position)))));
  }
  for (const it of items) {
    const b = nav.children[it.position - 1].firstChild;
    const a = answered(it.position);
    const f = flagged(it.position);
    const p = queue.has(it.position);
    const cls = [a ? "answered" : "", f ? "flagged" : "", p ? "pending" : ""].join(" ").trim();
    if (b.className !== cls || !b.firstChild) {
      b.className = cls;
      b.replaceChildren(...[h("span", {}, String(it.position)), a && icon("check"), f && icon("flag")].filter(Boolean));
    }
    b.setAttribute("aria-current", it.position === current ? "true" : "false");
    b.disabled = over || it.locked;
    const parts = [`Question ${it.position}`, a ? "answered" : "not answered"];
    if (f) parts.push("flagged");
    if (p) parts.push("not saved yet");
    if (it.locked) parts.push("locked");
    b.setAttribute("aria-label", parts.join(", "));
  }
}

function renderAnswerState() {
  const box = el("answer-state");
  if (!box) return;
  const state = queue.state(current);
  const texts = {
    pending: "Saving…",
    failed: "Not saved yet: kept in this browser, retrying…",
    saved: `Saved${queue.savedAt[current] ? ` at ${new Date(queue.savedAt[current]).toLocaleTimeString()}` : ""}.`,
  };
  if (state) { box.textContent = texts[state]; box.className = `save-state ${state}`; return; }
  box.textContent = answered(current) ? "Saved." : "";
  box.className = "save-state saved";
}

// Questions fetched are kept in memory and in this tab's sessionStorage (stems and options
// as the server sends them, never a key), so a question fetched ahead shows offline.
const cacheKey = (pos) => `mockcert.question.${id}.${pos}`;

function cachedQuestion(pos) {
  try { return JSON.parse(sessionStorage.getItem(cacheKey(pos)) || "null"); } catch { return null; }
}

function cacheQuestion(pos, q) {
  try { sessionStorage.setItem(cacheKey(pos), JSON.stringify(q)); } catch { /* full or blocked: memory only */ }
}

async function loadQuestion(pos) {
  if (questions.has(pos)) return questions.get(pos);
  if (!loading.has(pos)) {
    loading.set(pos, request("GET", `${base}/questions/${pos}`)
      .then(({ data }) => { questions.set(pos, data); cacheQuestion(pos, data); return data; })
      .finally(() => loading.delete(pos)));
  }
  try {
    return await loading.get(pos);
  } catch (err) {
    const kept = err instanceof ApiError ? null : cachedQuestion(pos); // no connection: the copy kept in this tab
    if (kept) { questions.set(pos, kept); return kept; }
    throw err;
  }
}

// Fetch the next few open questions in the background; failures are quiet (they load on demand).
function prefetch(from) {
  for (let pos = from + 1; pos <= Math.min(items.length, from + PREFETCH); pos++) {
    if (!items[pos - 1].locked && !questions.has(pos)) loadQuestion(pos).catch(() => {});
  }
}

async function go(pos, { focus = true } = {}) {
  if (pos < 1 || pos > items.length || over) return;
  const it = items[pos - 1];
  if (it.locked) { flash(`Question ${pos} is in a closed part or a part not open yet.`, "warn"); return; }
  current = pos;
  history.replaceState(null, "", `#q=${pos}`);
  renderNavigator();
  el("q-heading").textContent = `Question ${pos} of ${items.length}`;
  el("q-count").textContent = `Question ${pos} of ${items.length}`;
  el("prev").disabled = pos === 1 || items[pos - 2].locked;
  el("next").disabled = pos === items.length || items[pos].locked;
  if (!questions.has(pos)) {
    // Never leave the previous question's options under the new number: keys would answer the wrong one.
    shown = 0;
    el("q-domain").textContent = "";
    el("stem").textContent = "Loading the question…";
    el("options").replaceChildren();
  }
  let q;
  try {
    q = await loadQuestion(pos);
  } catch (err) {
    if (current !== pos) return;
    el("options").replaceChildren();
    if (err instanceof ApiError) {
      el("stem").textContent = "";
      flash(err.message, "error");
      if (err.status === 409) await resync();
    } else {
      // Offline and not fetched ahead: said where the question would be, and gone once it shows.
      loadFailed = true;
      el("stem").textContent = "This question could not be loaded: no connection to the server. "
        + "It shows here as soon as the connection returns; your answers so far are kept.";
    }
    return;
  }
  if (current !== pos) return; // the candidate moved on while it loaded
  loadFailed = false;
  el("q-domain").textContent = q.domain_name;
  el("stem").textContent = q.stem;
  const chosen = selectedOf(pos);
  el("options").dataset.position = String(pos);
  el("options").replaceChildren(...q.options.map((o) => h("li", {}, h("label", {},
    h("input", { type: "radio", name: "answer", value: o.label, checked: chosen === o.label,
                 onchange: () => answer(o.label) }),
    h("span", {}, h("strong", {}, `${o.label}. `), o.text)))));
  shown = pos;
  renderFlag();
  renderAnswerState();
  if (focus) el("q-heading").focus();
  prefetch(pos);
  // Per-question tools (strike-out, highlight, a note) follow the question on screen.
  document.dispatchEvent(new CustomEvent("mockcert:question", { detail: { attemptId: id, position: pos, question: q } }));
}

// Back online: a question that could not be loaded is fetched and shown, the rest fetched ahead.
function onOnline() {
  if (over) return;
  if (loadFailed || shown !== current) {
    loadFailed = false;
    go(current, { focus: false });
  } else {
    prefetch(current);
  }
  resync();
}

function renderFlag() {
  const f = flagged(current);
  const b = el("flag");
  b.setAttribute("aria-pressed", f ? "true" : "false");
  b.classList.toggle("on", f);
  const text = f ? "lagged" : ["lag", h("span", { class: "flag-more" }, " for review")];
  b.replaceChildren(icon("flag"), h("span", {}, h("kbd", {}, "F"), text));
}

// The local copy of a position follows every change, saved or not (the queue says which are saved).
function remember(pos, change) {
  local.set(pos, { ...(local.get(pos) || {}), ...change });
  const kept = cachedQuestion(pos);
  if (kept) cacheQuestion(pos, { ...kept, ...change }); // the tab's copy never shows an older answer
  if ("selected" in change) items[pos - 1].answered = change.selected !== null;
  if ("flagged" in change) items[pos - 1].flagged = change.flagged;
}

function answer(label) {
  if (over || shown !== current || items[current - 1].locked) return;
  remember(current, { selected: label });
  queue.put(current, { selected: label });
  for (const input of document.querySelectorAll('input[name="answer"]')) input.checked = input.value === label;
}

function clearAnswer() {
  if (over || shown !== current) return;
  remember(current, { selected: null });
  queue.put(current, { selected: null });
  for (const input of document.querySelectorAll('input[name="answer"]')) input.checked = false;
}

function toggleFlag() {
  if (over || shown !== current) return;
  const next = !flagged(current);
  remember(current, { flagged: next });
  queue.put(current, { flagged: next });
  renderFlag();
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || over) return;
  const t = ev.target;
  if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox"))) return;
  if (document.querySelector("dialog[open]")) return;
  const k = ev.key.toUpperCase();
  if (LABELS.includes(k)) { ev.preventDefault(); answer(k); }
  else if (k === "N") { ev.preventDefault(); go(current + 1); }
  else if (k === "P") { ev.preventDefault(); go(current - 1); }
  else if (k === "F") { ev.preventDefault(); toggleFlag(); }
}

function applySummary(s) {
  summary = s;
  items = s.items;
  countdown.sync(s.seconds_remaining);
  renderParts();
  renderNavigator();
  if (s.status !== "in_progress") finish("This exam has been submitted.");
}

function renderParts() {
  const box = el("part-box");
  if (!summary.parts.length) { box.hidden = true; return; }
  const open = summary.parts.find((p) => p.state === "open");
  box.hidden = false;
  const kids = [h("p", {}, open
    ? `Part ${open.number} of ${summary.parts.length} (${open.name}): questions ${open.first_position}–${open.last_position}, `
      + `closes at ${new Date(open.closes_at).toLocaleTimeString()}. A closed part cannot be revisited.`
    : "Every part is over.")];
  if (open && open.number < summary.parts.length) {
    kids.push(h("button", { type: "button", onclick: () => closePart(open.number) }, `Finish part ${open.number}`));
  }
  box.replaceChildren(...kids);
}

async function closePart(number) {
  const ok = await confirmDialog(`Finish part ${number}?`,
    "You will not be able to come back to the questions of this part.", `Finish part ${number}`);
  if (!ok) return;
  if (!(await queue.drain())) { flash("Some answers are not saved yet; try again in a moment.", "error"); return; }
  try {
    await request("POST", `${base}/parts/${number}/close`);
    await resync();
    const first = items.find((it) => !it.locked);
    if (first) go(first.position);
  } catch (err) {
    flash(err.message, "error");
  }
}

async function resync() {
  try {
    const { data } = await request("GET", base);
    applySummary(data);
    if (items[current - 1] && items[current - 1].locked) {
      const first = items.find((it) => !it.locked);
      if (first) go(first.position, { focus: false });
    }
  } catch (err) {
    if (!(err instanceof ApiError)) return; // offline: the countdown keeps running locally
    if (err.status === 404) { flash("No such exam.", "error"); over = true; }
  }
}

function finish(message) {
  if (over) return;
  over = true;
  for (const b of document.querySelectorAll(".exam-question button, .exam-question input")) b.disabled = true;
  showBox("time-warning", message);
  renderNavigator();
  // The server submits at the deadline; follow it to the result.
  const poll = async () => {
    try {
      const { data } = await request("GET", base);
      if (data.status !== "in_progress") { location.href = `/exam/attempts/${encodeURIComponent(id)}/result`; return; }
    } catch { /* keep waiting */ }
    setTimeout(poll, 2000);
  };
  poll();
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("candidate");
  el("review-link").href = `/exam/attempts/${encodeURIComponent(id)}/review`;
  examChrome(id, queue);
  let fade = null;
  countdown = new Countdown(el("timer"), {
    onWarning: (mark, left, late) => {
      clearTimeout(fade);
      showBox("time-warning", warningText(mark, left, late));
      if (mark >= 1800) fade = setTimeout(() => { if (!over) showBox("time-warning", ""); }, WARNING_FADE_MS);
    },
    onZero: () => { clearTimeout(fade); finish("Time is over. Your exam is being submitted as it stands."); },
  });
  let first;
  try {
    first = (await request("GET", base)).data;
  } catch (err) {
    flash(err instanceof ApiError ? err.message : "The exam could not be loaded: check your connection and reload.",
      "error");
    return;
  }
  if (first.status !== "in_progress") { location.replace(`/exam/attempts/${encodeURIComponent(id)}/result`); return; }
  el("exam-name").textContent = first.blueprint_name;
  el("key-answered").replaceChildren(icon("check"));
  el("key-flagged").replaceChildren(icon("flag"));
  document.title = `${first.blueprint_name} · mockcert`;
  applySummary(first);
  renderQueueState(queue);
  el("prev").addEventListener("click", () => go(current - 1));
  el("next").addEventListener("click", () => go(current + 1));
  el("flag").addEventListener("click", toggleFlag);
  el("clear").addEventListener("click", clearAnswer);
  document.addEventListener("keydown", onKey);
  window.addEventListener("online", onOnline);
  setInterval(resync, RESYNC_MS);
  const wanted = Number((location.hash.match(/q=(\d+)/) || [])[1] || 0);
  const start = wanted && items[wanted - 1] && !items[wanted - 1].locked
    ? wanted : (items.find((it) => !it.locked) || items[0]).position;
  await go(start, { focus: false });
  queue.flush();
});
