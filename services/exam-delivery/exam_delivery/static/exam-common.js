// What the exam pages share: the queue of unsaved answers, the countdown driven
// by the server's deadline, a confirmation dialog, and small formatters.

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

// A countdown to the server's deadline: `sync` takes the server's seconds_remaining.
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
    if (this.last === null) {
      // Opened (or reloaded) with under 5 minutes left: the urgent warning at once, as if just
      // crossed (under 30 minutes the timer's colour says it; an alert would only interrupt).
      if (left <= 300 && left > 0) this.onWarning(300, left);
    } else {
      for (const mark of [1800, 300]) {
        if (this.last > mark && left <= mark && left > 0) this.onWarning(mark, left);
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
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function when(iso) { return iso ? new Date(iso).toLocaleString() : "—"; }

export function warningText(mark) {
  return mark >= 1800 ? "30 minutes left." : "5 minutes left: make sure every question has an answer.";
}

// A modal confirmation (<dialog>: focus is trapped and Escape cancels). Resolves true on confirm.
export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: "primary" }, confirmLabel);
    const no = h("button", { type: "button" }, "Cancel");
    const dialog = h("dialog", { class: "exam-dialog", "aria-labelledby": "dialog-title" },
      h("h2", { id: "dialog-title" }, title), h("p", {}, text), h("p", { class: "exam-actions" }, no, yes));
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
  if (queue.failing) return { text: `${n} change(s) not saved yet: retrying…`, cls: "failed" };
  return { text: `Saving ${n} change(s)…`, cls: "pending" };
}

export function renderQueueState(queue) {
  const el = document.getElementById("queue-state");
  if (el) {
    const { text, cls } = queueText(queue);
    el.textContent = text;
    el.className = `save-state ${cls}`;
  }
  showBox("save-alert", queue.failing && queue.size()
    ? `${queue.size()} change(s) are not saved on the server yet (${queue.lastError}). They are kept in this browser and `
      + "sent again automatically. Do not clear your browser data; check your connection."
    : "");
}
