// The candidate's tools per question, as a test centre's screen offers them: options struck
// out, words of the stem highlighted, a note. They are kept with the attempt on the server
// (PUT /api/attempts/{id}/tools/{position}; a question's GET brings them back), so they
// return after a reload and on another device. A change waits in this browser
// (localStorage) until the server has it, retried with backoff and at once when the
// connection returns, like the answers.
//
// The exam screen (attempt.js) announces each question it shows with a `mockcert:question`
// event; this module draws the tools over it: the tool row in #question-tools ("Strike out"
// mode, "Highlight", "Clear highlights"), a strike button on each option while the mode is
// on, <mark>s in #stem, and a "Note" disclosure under the options. It also tells the code
// book (#codebook-host) whether this blueprint offers it.

import { ApiError, h } from "/static/common/mockcert.js";
import { request } from "/static/exam-common.js";

const NOTE_SAVE_MS = 700; // a note is saved this long after the last keystroke
const MAX_RETRY_MS = 15000;
const MAX_NOTE = 2000;
const MAX_HIGHLIGHTS = 50;
const EMPTY = Object.freeze({ struck: [], highlights: [], note: "" });
const el = (x) => document.getElementById(x);

let attemptId = "";
let queue = null;
let position = 0; // the question on screen
let stemText = "";
let selection = null; // {start, end} of the last selection inside the stem (code points)
let noteTimer = null;
let strikeMode = false;
let codeBookKnown = false;
const latest = new Map(); // position -> tools as this page last knew them (server's or its own)

// ---------------------------------------------------------------- the queue of unsaved tools

class ToolsQueue {
  constructor(id, onChange) {
    this.key = `mockcert.tools.${id}`;
    this.base = `/api/attempts/${encodeURIComponent(id)}/tools/`;
    this.onChange = onChange;
    this.pending = {};
    try { this.pending = JSON.parse(localStorage.getItem(this.key) || "{}") || {}; } catch { this.pending = {}; }
    this.rev = Date.now();
    this.inflight = false;
    this.again = false;
    this.delay = 0;
    this.timer = null;
    this.failing = false;
    window.addEventListener("online", () => this.flush());
  }

  change(pos) { return this.pending[String(pos)]; }

  put(pos, change) {
    const key = String(pos);
    this.pending[key] = { ...(this.pending[key] || {}), ...change, rev: ++this.rev };
    this.persist();
    this.onChange();
    this.flush();
  }

  persist() {
    try {
      if (Object.keys(this.pending).length) localStorage.setItem(this.key, JSON.stringify(this.pending));
      else localStorage.removeItem(this.key);
    } catch { /* storage full or blocked: the in-memory queue still retries */ }
  }

  async flush() {
    if (this.inflight) { this.again = true; return; }
    clearTimeout(this.timer);
    this.timer = null;
    this.inflight = true;
    try {
      for (const [pos, entry] of Object.entries(this.pending)) {
        if ((await this.send(pos, entry)) === "retry") {
          this.failing = true;
          this.delay = Math.min(MAX_RETRY_MS, this.delay ? this.delay * 2 : 1000);
          this.timer = setTimeout(() => this.flush(), this.delay);
          return;
        }
      }
      this.failing = false;
      this.delay = 0;
    } finally {
      this.inflight = false;
      this.onChange();
      if (this.again) { this.again = false; if (!this.timer) this.flush(); }
    }
  }

  async send(pos, entry) {
    const body = {};
    for (const field of ["struck", "highlights", "note"]) if (field in entry) body[field] = entry[field];
    try {
      const { data } = await request("PUT", this.base + pos, body);
      if (this.pending[pos] && this.pending[pos].rev === entry.rev) {
        delete this.pending[pos];
        latest.set(Number(pos), { struck: data.struck, highlights: data.highlights, note: data.note });
      }
      this.persist();
      return "ok";
    } catch (err) {
      if (err instanceof ApiError && [404, 409, 422].includes(err.status)) {
        // The server will never take this change (the attempt is over, the part closed).
        delete this.pending[pos];
        this.persist();
        say(`Your marks on question ${pos} could not be kept: ${err.message}`);
        return "dropped";
      }
      return "retry";
    }
  }
}

// ---------------------------------------------------------------- what a question's tools are

function toolsOf(pos) {
  const base = latest.get(pos) || EMPTY;
  const waiting = queue ? queue.change(pos) : null;
  return { ...base, ...(waiting || {}) };
}

function change(patch) {
  const pos = position;
  latest.set(pos, { ...toolsOf(pos), ...patch });
  queue.put(pos, patch);
}

// Ranges sorted, those that overlap or touch made one (as the server stores them).
function merged(ranges) {
  const out = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

// The server counts the stem in code points; the page's strings count UTF-16 units.
function unitsAt(text, points) {
  let units = 0;
  for (let p = 0; p < points && units < text.length; p++) units += text.codePointAt(units) > 0xffff ? 2 : 1;
  return units;
}

function pointsAt(text, units) { return Array.from(text.slice(0, units)).length; }

// A quiet line for screen readers (and a visible one in the tool row) saying what a tool did.
function say(message) {
  const box = el("tools-status");
  if (box) box.textContent = message;
}

// ---------------------------------------------------------------- drawing

function ensureStyles() {
  if (document.querySelector("link[data-tools]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/tools.css", "data-tools": "" }));
}

function toolRow() {
  const host = el("question-tools");
  if (!host || host.dataset.mounted) return;
  host.dataset.mounted = "true";
  try { strikeMode = localStorage.getItem(`mockcert.strike-mode.${attemptId}`) === "1"; } catch { /* off */ }
  host.setAttribute("role", "group");
  host.setAttribute("aria-label", "Question tools");
  host.append(
    h("button", { type: "button", id: "strike-mode", class: "exam-tool", "aria-pressed": String(strikeMode),
                  onclick: toggleStrikeMode }, "Strike out"),
    h("button", { type: "button", id: "highlight", class: "exam-tool", onclick: highlight,
                  // Keep the stem's selection: pressing the button must not end it first.
                  onmousedown: (ev) => ev.preventDefault() }, "Highlight"),
    h("button", { type: "button", id: "clear-highlights", class: "exam-tool", onclick: clearHighlights },
      "Clear", h("span", { class: "narrow-hide" }, " highlights")),
    h("span", { id: "tools-status", class: "tools-status", role: "status", "aria-live": "polite" }),
  );
  document.addEventListener("selectionchange", rememberSelection);
}

function toggleStrikeMode() {
  strikeMode = !strikeMode;
  try {
    if (strikeMode) localStorage.setItem(`mockcert.strike-mode.${attemptId}`, "1");
    else localStorage.removeItem(`mockcert.strike-mode.${attemptId}`);
  } catch { /* kept for this page */ }
  el("strike-mode").setAttribute("aria-pressed", String(strikeMode));
  renderStrikes();
  say(strikeMode ? "Strike out is on: each option has a Strike out button." : "Strike out is off.");
}

function renderStrikes() {
  const list = el("options");
  if (!list || Number(list.dataset.position) !== position) return;
  const struck = new Set(toolsOf(position).struck);
  for (const li of list.children) {
    const input = li.querySelector('input[type="radio"]');
    if (!input) continue;
    const label = input.value;
    const on = struck.has(label);
    li.classList.add("tool-option");
    li.classList.toggle("struck", on);
    let button = li.querySelector("button.strike-toggle");
    if (!button) {
      button = h("button", { type: "button", class: "strike-toggle", onclick: () => strike(label) },
        "Strike out", h("span", { class: "sr-only" }, ` option ${label}`));
      li.append(button);
    }
    button.setAttribute("aria-pressed", String(on));
    button.hidden = !strikeMode;
    const text = li.querySelector("label > span");
    if (text) {
      let note = text.querySelector(".struck-note");
      if (on && !note) text.append(h("span", { class: "sr-only struck-note" }, " (struck out)"));
      if (!on && note) note.remove();
    }
  }
}

function strike(label) {
  const struck = new Set(toolsOf(position).struck);
  const on = !struck.has(label);
  if (on) struck.add(label); else struck.delete(label);
  change({ struck: ["A", "B", "C", "D"].filter((x) => struck.has(x)) });
  renderStrikes();
  say(on ? `Option ${label} struck out.` : `Option ${label} no longer struck out.`);
}

function renderStem() {
  const stem = el("stem");
  if (!stem || !stemText) return;
  const kids = [];
  let at = 0;
  for (const r of toolsOf(position).highlights) {
    const s = unitsAt(stemText, r.start);
    const e = unitsAt(stemText, r.end);
    if (e <= at) continue;
    if (s > at) kids.push(stemText.slice(at, s));
    kids.push(h("mark", { class: "stem-mark" }, stemText.slice(Math.max(s, at), e)));
    at = e;
  }
  if (at < stemText.length) kids.push(stemText.slice(at));
  stem.replaceChildren(...kids);
  el("clear-highlights").disabled = !toolsOf(position).highlights.length;
}

// Where a point of the document is in the stem's text (UTF-16 units).
function unitsInStem(stem, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(stem);
  range.setEnd(node, offset);
  return range.toString().length;
}

function rememberSelection() {
  const stem = el("stem");
  const sel = document.getSelection();
  if (!stem || !sel || !sel.rangeCount || sel.isCollapsed) return;
  const range = sel.getRangeAt(0);
  if (!range.intersectsNode(stem)) return;
  const start = stem.contains(range.startContainer) ? unitsInStem(stem, range.startContainer, range.startOffset) : 0;
  const end = stem.contains(range.endContainer) ? unitsInStem(stem, range.endContainer, range.endOffset)
    : stemText.length;
  if (end > start) selection = { position, start: pointsAt(stemText, start), end: pointsAt(stemText, end) };
}

function highlight() {
  rememberSelection();
  if (!selection || selection.position !== position) {
    say("Select words in the question first, then press Highlight.");
    return;
  }
  const ranges = merged([...toolsOf(position).highlights, { start: selection.start, end: selection.end }]);
  if (ranges.length > MAX_HIGHLIGHTS) { say(`At most ${MAX_HIGHLIGHTS} highlights per question.`); return; }
  const words = stemText.slice(unitsAt(stemText, selection.start), unitsAt(stemText, selection.end)).trim();
  selection = null;
  document.getSelection()?.removeAllRanges();
  change({ highlights: ranges });
  renderStem();
  say(`Highlighted: ${words.length > 60 ? words.slice(0, 57) + "…" : words}`);
}

function clearHighlights() {
  if (!toolsOf(position).highlights.length) return;
  change({ highlights: [] });
  renderStem();
  say("Highlights cleared.");
}

function noteBox() {
  let box = el("question-note");
  if (box) return box;
  const area = h("textarea", { id: "note-text", maxlength: String(MAX_NOTE), rows: "4", spellcheck: "true",
                               "aria-describedby": "note-help" });
  area.addEventListener("input", () => {
    clearTimeout(noteTimer);
    const pos = position;
    el("note-state").textContent = "Not saved yet…";
    noteTimer = setTimeout(() => saveNote(pos), NOTE_SAVE_MS);
  });
  area.addEventListener("blur", () => saveNote(position));
  box = h("details", { id: "question-note", class: "question-note" },
    h("summary", {}, h("span", {}, "Note"), h("span", { id: "note-flag", class: "note-flag" })),
    h("label", { for: "note-text" }, "Your note on this question"),
    h("p", { id: "note-help", class: "muted note-help" },
      "Kept with your exam for you alone; it is not marked. Up to 2,000 characters."),
    area,
    h("p", { id: "note-state", class: "save-state", "aria-live": "polite" }));
  // Under Previous / Flag / Next (a tool beside the question, not in the way of moving on).
  const after = document.querySelector(".exam-question .exam-move") || document.querySelector(".exam-options");
  if (after) after.after(box); else document.querySelector(".exam-question")?.append(box);
  return box;
}

function saveNote(pos) {
  clearTimeout(noteTimer);
  noteTimer = null;
  const area = el("note-text");
  if (!area || pos !== position || area.dataset.position !== String(pos)) return;
  const text = area.value.slice(0, MAX_NOTE);
  if (text === toolsOf(pos).note) { renderNoteState(); return; }
  change({ note: text });
  renderNoteState();
}

function renderNote() {
  noteBox();
  const area = el("note-text");
  const note = toolsOf(position).note;
  area.dataset.position = String(position);
  area.value = note;
  el("note-flag").textContent = note ? " (written)" : "";
  renderNoteState();
}

function renderNoteState() {
  const box = el("note-state");
  if (!box || !position) return;
  const waiting = queue.change(position);
  const note = toolsOf(position).note;
  el("note-flag").textContent = note ? " (written)" : "";
  if (waiting && "note" in waiting) box.textContent = queue.failing ? "Not saved yet: kept in this browser, retrying…"
    : "Saving…";
  else box.textContent = note ? "Note saved." : "";
}

// ---------------------------------------------------------------- the code book switch

// The code book's button shows only when the blueprint offers it (`code_book` of the attempt).
async function codeBook() {
  const host = el("codebook-host");
  if (!host || codeBookKnown) return;
  try {
    const { data } = await request("GET", `/api/attempts/${encodeURIComponent(attemptId)}`);
    codeBookKnown = true;
    host.dataset.codebook = data.code_book === false ? "off" : "on";
    host.dispatchEvent(new CustomEvent("mockcert:codebook"));
  } catch { /* offline: asked again with the next question */ }
}

// ---------------------------------------------------------------- a question on screen

function onQuestion(ev) {
  const { attemptId: id, position: pos, question } = ev.detail;
  if (!queue) {
    attemptId = id;
    ensureStyles();
    queue = new ToolsQueue(id, () => renderNoteState());
    toolRow();
    queue.flush();
    codeBook();
  } else if (!codeBookKnown) {
    codeBook();
  }
  if (noteTimer && position && position !== pos) saveNote(position); // a note typed just before moving on
  if (question.tools && !latest.has(pos)) {
    latest.set(pos, { struck: question.tools.struck, highlights: question.tools.highlights, note: question.tools.note });
  }
  position = pos;
  stemText = question.stem;
  selection = null;
  renderStem();
  renderStrikes();
  renderNote();
}

document.addEventListener("mockcert:question", onQuestion);
