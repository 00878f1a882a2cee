// What the exam pages share: the queue of unsaved answers, the countdown driven
// by the server's deadline, the exam's top bar (clock, "Save and leave", the
// offline banner), a confirmation dialog, icons, and small formatters.

import { ApiError, h, logout, session } from "/static/common/mockcert.js";

export const LABELS = ["A", "B", "C", "D"];
const REQUEST_TIMEOUT_MS = 10000;
const MAX_RETRY_MS = 15000;

export function attemptIdFromPath() {
  // /exam/attempts/{id}[/review|/result]
  return decodeURIComponent(location.pathname.split("/")[3] || "");
}

// fetch with a timeout: a request lost with the network must not hang the queue.
export async function request(method, path, body) {
  const headers = {};
  const s = session();
  if (s.token) headers["Authorization"] = `Bearer ${s.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, {
    method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const ctype = resp.headers.get("Content-Type") || "";
  const data = ctype.includes("json") ? await resp.json() : null;
  if (resp.status === 401) { logout(); throw new ApiError(401, data); }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return { status: resp.status, data };
}

// Answers and flags not yet acknowledged by the server, kept in localStorage per
// attempt so they survive a reload or a closed tab, and sent until the server
// answers 200 (retry with backoff; every new change also retries at once).
// The latest change of a position wins: it is sent after any older one in flight.
export class SaveQueue {
  constructor(attemptId, onChange) {
    this.attemptId = attemptId;
    this.key = `mockcert.pending.${attemptId}`;
    this.onChange = onChange || (() => {});
    this.onClosed = () => {};
    this.pending = {};
    try { this.pending = JSON.parse(localStorage.getItem(this.key) || "{}") || {}; } catch { this.pending = {}; }
    this.savedAt = {};
    this.rev = Date.now();
    this.failing = false;
    this.inflight = false;
    this.closed = false;
    this.delay = 0;
    this.timer = null;
    this.lastError = "";
    window.addEventListener("online", () => this.flush());
    window.addEventListener("offline", () => this.onChange());
  }

  size() { return Object.keys(this.pending).length; }

  has(pos) { return Object.prototype.hasOwnProperty.call(this.pending, String(pos)); }

  change(pos) { return this.pending[String(pos)]; }

  // "pending" (being saved), "failed" (waiting to retry), "saved", or "" (nothing to say).
  state(pos) {
    if (this.has(pos)) return this.failing ? "failed" : "pending";
    return this.savedAt[String(pos)] ? "saved" : "";
  }

  put(pos, change) {
    if (this.closed) return;
    const key = String(pos);
    const entry = { ...(this.pending[key] || {}), ...change, rev: ++this.rev };
    this.pending[key] = entry;
    this.persist();
    this.onChange();
    this.flush();
  }

  persist() {
    try {
      if (this.size()) localStorage.setItem(this.key, JSON.stringify(this.pending));
      else localStorage.removeItem(this.key);
    } catch { /* storage full or blocked: the in-memory queue still retries */ }
  }

  async flush() {
    if (this.inflight || this.closed) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.inflight = true;
    this.onChange();
    try {
      for (;;) {
        const entries = Object.entries(this.pending).slice(0, 4);
        if (!entries.length) { this.failing = false; this.delay = 0; break; }
        const outcomes = await Promise.all(entries.map(([pos, entry]) => this.send(pos, entry)));
        if (outcomes.includes("closed")) break;
        if (outcomes.includes("retry")) {
          this.failing = true;
          this.delay = Math.min(MAX_RETRY_MS, this.delay ? this.delay * 2 : 1000);
          this.timer = setTimeout(() => this.flush(), this.delay);
          break;
        }
        this.failing = false;
        this.delay = 0;
      }
    } finally {
      this.inflight = false;
      this.onChange();
    }
  }

  async send(pos, entry) {
    const body = {};
    if ("selected" in entry) body.selected = entry.selected;
    if ("flagged" in entry) body.flagged = entry.flagged;
    try {
      const { data } = await request("PUT", `/api/attempts/${encodeURIComponent(this.attemptId)}/responses/${pos}`, body);
      this.savedAt[pos] = data.saved_at;
      if (this.pending[pos] && this.pending[pos].rev === entry.rev) delete this.pending[pos];
      this.persist();
      return "ok";
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404 || err.status === 422)) {
        // The server will never take this change (time over, attempt closed, part closed).
        delete this.pending[pos];
        this.persist();
        this.lastError = err.message;
        if (err.status === 409 && /time is over|attempt is/.test(err.message)) {
          this.closed = true;
          this.onClosed(err);
          return "closed";
        }
        this.onClosed(err);
        return "dropped";
      }
      this.lastError = err instanceof ApiError ? err.message : "no connection to the server";
      return "retry";
    }
  }

  // Resolve once nothing is waiting (or after `ms`), retrying meanwhile.
  async drain(ms = 15000) {
    const until = Date.now() + ms;
    while (this.size() && Date.now() < until && !this.closed) {
      await this.flush();
      if (!this.size()) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    return this.size() === 0;
  }
}

// The warnings: when 30, 5 and 1 minutes are left (largest first: crossing two at once
// ends on the smaller).
export const WARNING_MARKS = [1800, 300, 60];

// A countdown to the server's deadline: `sync` takes the server's seconds_remaining, so the
// warnings follow the server's clock (an accommodation, a re-sync), never the page's start.
export class Countdown {
  constructor(el, { onWarning = () => {}, onZero = () => {} } = {}) {
    this.el = el;
    this.onWarning = onWarning;
    this.onZero = onZero;
    this.end = null;
    this.last = null; // seconds left at the previous tick: a warning fires when a mark is crossed
    this.zero = false;
    this.interval = setInterval(() => this.tick(), 250);
  }

  sync(secondsRemaining) {
    this.end = performance.now() + secondsRemaining * 1000;
    if (secondsRemaining > 0) this.zero = false;
    this.tick();
  }

  left() { return this.end === null ? null : Math.max(0, Math.ceil((this.end - performance.now()) / 1000)); }

  tick() {
    const left = this.left();
    if (left === null) return;
    this.el.textContent = clock(left);
    this.el.classList.toggle("warn", left <= 1800 && left > 300);
    this.el.classList.toggle("bad", left <= 300);
    this.el.classList.toggle("last", left <= 60);
    if (this.last === null) {
      // Opened (or reloaded) with under 5 minutes left: a warning at once that says the time
      // really left by the server's count (under 30 minutes the timer's colour says it; an
      // alert would only interrupt).
      if (left <= 300 && left > 0) this.onWarning(left <= 60 ? 60 : 300, left, true);
    } else {
      for (const mark of WARNING_MARKS) {
        if (this.last > mark && left <= mark && left > 0) this.onWarning(mark, left, false);
      }
    }
    this.last = left;
    if (left === 0 && !this.zero) { this.zero = true; this.onZero(); }
  }
}

export function clock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

export function duration(seconds) {
  // Rounded to whole minutes first: 3 h 59 min 45 s is "4 h", never "3 h 60 min".
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function when(iso) { return iso ? new Date(iso).toLocaleString() : "—"; }

// What a warning says. `late`: the page opened (or reloaded) already below the mark, so it
// says the time actually left ("Less than 2 minutes left"), never the mark it missed.
export function warningText(mark, left = mark, late = false) {
  const last = "1 minute left: your exam is submitted as it stands when the time is over.";
  const fill = "make sure every question has an answer.";
  if (!late) {
    if (mark >= 1800) return "30 minutes left.";
    if (mark >= 300) return `5 minutes left: ${fill}`;
    return last;
  }
  const minutes = Math.ceil(left / 60);
  if (left % 60 === 0) return minutes === 1 ? last : `${minutes} minutes left: ${fill}`;
  if (minutes === 1) return "Less than 1 minute left: your exam is submitted as it stands when the time is over.";
  return `Less than ${minutes} minutes left: ${fill}`;
}

// A modal confirmation (<dialog>: focus is trapped and Escape cancels). Resolves true on confirm.
// `text` is a sentence, or a list of nodes (paragraphs, a list) for a longer body.
export function confirmDialog(title, text, confirmLabel, cancelLabel = "Cancel") {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: "primary" }, confirmLabel);
    const no = h("button", { type: "button" }, cancelLabel);
    const body = Array.isArray(text) ? h("div", { id: "dialog-text" }, ...text) : h("p", { id: "dialog-text" }, text);
    const dialog = h("dialog", { class: "exam-dialog", "aria-labelledby": "dialog-title", "aria-describedby": "dialog-text" },
      h("h2", { id: "dialog-title" }, title), body, h("p", { class: "exam-actions" }, no, yes));
    const done = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

export function showBox(id, message) {
  const box = document.getElementById(id);
  if (!box) return;
  if (message) { box.textContent = message; box.hidden = false; } else { box.textContent = ""; box.hidden = true; }
}

// The line that tells whether everything is saved.
export function queueText(queue) {
  const n = queue.size();
  if (queue.closed) return { text: "Answers are closed.", cls: "failed" };
  if (!n) return { text: "All answers saved.", cls: "saved" };
  const changes = `${n} ${n === 1 ? "change" : "changes"}`;
  if (queue.failing) return { text: `${changes} not saved yet: retrying…`, cls: "failed" };
  return { text: `Saving ${changes}…`, cls: "pending" };
}

// The banner under the top bar: offline (or the server refusing for now), with the number
// of answers waiting in this browser; gone once they are all sent.
export function offlineText(queue) {
  const n = queue.size();
  const answers = `${n} answer${n === 1 ? "" : "s"}`;
  if (queue.closed) return "";
  if (!navigator.onLine) {
    return n ? `Offline: ${answers} waiting. They are kept in this browser and sent when the connection returns.`
      : "Offline: no answers waiting. New answers are kept in this browser and sent when the connection returns.";
  }
  if (queue.failing && n) {
    return `Not saved yet: ${answers} waiting (${queue.lastError}). They are kept in this browser and sent again `
      + "automatically; do not clear your browser data.";
  }
  return "";
}

export function renderQueueState(queue) {
  const el = document.getElementById("queue-state");
  if (el) {
    const { text, cls } = queueText(queue);
    el.textContent = text;
    el.className = `save-state ${cls}`;
  }
  showBox("save-alert", offlineText(queue));
}

// Small icons drawn in the text's colour (aria-hidden: a word always says the same).
const ICONS = {
  check: [["M2.5 8.5l3.5 3.5 7.5-8", false]],
  flag: [["M3.5 15V1.5", false], ["M4 2h9l-2.5 3.5L13 9H4z", true]],
};

export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon icon-${name}`);
  for (const [d, filled] of ICONS[name]) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    if (filled) path.setAttribute("class", "fill");
    svg.append(path);
  }
  return svg;
}

// The exam's top bar, on the question screen and the review: the site's header goes (no
// navigation, no "Log out" during an exam), the clock can be hidden (remembered per attempt),
// and "Save and leave" sends what is waiting, says the clock keeps running, and goes to the
// dashboard. Leaving with answers still unsent asks before the browser's own prompt would.
export function examChrome(attemptId, queue) {
  const header = document.querySelector("body > header.topbar");
  if (header) header.hidden = true;
  const top = document.getElementById("exam-top");
  const flashBox = document.getElementById("flash");
  if (top && flashBox) top.after(flashBox); // messages under the bar, not above it

  const clockKey = `mockcert.clock-hidden.${attemptId}`;
  const toggle = document.getElementById("clock-toggle");
  const showClock = (hidden) => {
    document.getElementById("clock-box").hidden = hidden;
    document.getElementById("clock-hidden-note").hidden = !hidden;
    toggle.textContent = hidden ? "Show clock" : "Hide clock";
  };
  let hidden = false;
  try { hidden = localStorage.getItem(clockKey) === "1"; } catch { /* storage blocked: shown */ }
  showClock(hidden);
  toggle.addEventListener("click", () => {
    hidden = !hidden;
    try { if (hidden) localStorage.setItem(clockKey, "1"); else localStorage.removeItem(clockKey); } catch { /* kept for this page */ }
    showClock(hidden);
  });

  let leaving = false;
  document.getElementById("leave").addEventListener("click", async () => {
    const ok = await confirmDialog("Save and leave?", [
      h("p", {}, "Your answers are saved on the server. The clock keeps running while you are away: "
        + "the exam is submitted as it stands at its deadline, whether or not you come back."),
      h("p", {}, "To carry on, open the exam again from My exams before the time is over."),
    ], "Save and leave", "Stay in the exam");
    if (!ok) return;
    if (!(await queue.drain(5000))) {
      const n = queue.size();
      const still = await confirmDialog("Some answers are not saved yet",
        `${n} answer${n === 1 ? " is" : "s are"} kept only in this browser for now: they are sent when you open `
        + "this exam again here. Leave anyway?", "Leave anyway", "Stay in the exam");
      if (!still) return;
    }
    leaving = true;
    location.href = "/exam";
  });
  window.addEventListener("beforeunload", (ev) => {
    if (!leaving && queue.size()) { ev.preventDefault(); ev.returnValue = ""; }
  });
}
