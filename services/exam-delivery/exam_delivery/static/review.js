// The review screen: every question in a grid (answered, unanswered, flagged, its
// content area), filters, and a submission confirmed in a dialog that counts what is
// unanswered and flagged. Unsaved changes are sent first; the exam is not submitted
// while any is waiting.

import { ApiError, flash, h, requireRole } from "/static/common/mockcert.js";
import {
  Countdown, SaveQueue, attemptIdFromPath, confirmDialog, examChrome, icon, renderQueueState, request, showBox,
  warningText,
} from "/static/exam-common.js";

const id = attemptIdFromPath();
const base = `/api/attempts/${encodeURIComponent(id)}`;
const examUrl = `/exam/attempts/${encodeURIComponent(id)}`;
const resultUrl = `${examUrl}/result`;
const el = (x) => document.getElementById(x);
const queue = new SaveQueue(id, () => { renderQueueState(queue); if (summary) render(); });
let summary = null;
let filter = "all";
let areas = new Map(); // domain code -> area name (GET /api/domains); never the code on screen
const FILTERS = {
  all: { label: "All", test: () => true, empty: "" },
  unanswered: { label: "Unanswered", test: (r) => !r.answered, empty: "Every question has an answer." },
  flagged: { label: "Flagged", test: (r) => r.flagged, empty: "No question is flagged." },
};

function state(item) {
  const c = queue.change(item.position);
  return {
    answered: c && "selected" in c ? c.selected !== null : item.answered,
    flagged: c && "flagged" in c ? c.flagged : item.flagged,
  };
}

// A question of the grid: its name is what it shows ("Question 4 Unanswered Flagged <area>"),
// the word "Question" for screen readers only.
function cell(r) {
  const area = areas.get(r.domain);
  return h("li", {}, h("button", {
    type: "button", class: `review-cell ${r.answered ? "answered" : "unanswered"}${r.flagged ? " flagged" : ""}`,
    "data-pos": r.position, disabled: r.locked,
    onclick: () => { location.href = `${examUrl}#q=${r.position}`; },
  },
  h("span", { class: "cell-num" }, h("span", { class: "sr-only" }, "Question "), String(r.position)),
  h("span", { class: "cell-state" }, r.answered ? icon("check") : null, r.answered ? "Answered" : "Unanswered"),
  r.flagged ? h("span", { class: "cell-flag" }, icon("flag"), "Flagged") : null,
  area ? h("span", { class: "cell-area" }, area) : null,
  r.locked ? h("span", { class: "cell-area" }, "Closed part") : null));
}

function rowsNow() {
  return summary.items.map((it) => ({ ...it, ...state(it) }));
}

function render() {
  const rows = rowsNow();
  const unanswered = rows.filter((r) => !r.answered);
  const flagged = rows.filter((r) => r.flagged);
  const done = rows.length - unanswered.length;
  el("review-summary").textContent =
    `You answered ${done} of ${rows.length} questions; ${unanswered.length} unanswered, ${flagged.length} flagged for review.`;
  for (const b of document.querySelectorAll(".review-filters button")) {
    const f = b.dataset.filter;
    b.textContent = `${FILTERS[f].label} (${rows.filter(FILTERS[f].test).length})`;
    b.setAttribute("aria-pressed", f === filter ? "true" : "false");
  }
  const shown = rows.filter(FILTERS[filter].test);
  el("review-grid").replaceChildren(...shown.map(cell));
  el("review-shown").textContent = shown.length
    ? `Showing ${filter === "all" ? "all" : FILTERS[filter].label.toLowerCase()} questions: ${shown.length}.`
    : FILTERS[filter].empty;
}

function setFilter(f) {
  filter = f;
  render();
}

async function loadAreas() {
  try {
    const { data } = await request("GET", "/api/domains");
    areas = new Map(data.map((d) => [d.code, d.name]));
    if (summary) render();
  } catch { /* offline: the grid shows without area names until the next visit */ }
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

async function submit() {
  const rows = rowsNow();
  const unanswered = rows.filter((r) => !r.answered).length;
  const flagged = rows.filter((r) => r.flagged).length;
  const ok = await confirmDialog("Submit your exam?", [
    h("p", {}, `You answered ${rows.length - unanswered} of ${rows.length} questions.`),
    h("ul", { class: "dialog-counts" },
      h("li", {}, unanswered ? `${plural(unanswered, "question", "questions")} unanswered` : "No question unanswered"),
      h("li", {}, flagged ? `${plural(flagged, "question", "questions")} flagged for review` : "No question flagged")),
    h("p", {}, "After submitting you cannot change any answer."),
  ], "Submit exam", "Back to the review");
  if (!ok) return;
  const button = el("submit");
  button.disabled = true;
  try {
    if (!(await queue.drain())) {
      flash(`${queue.size()} change(s) could not be saved yet. Check your connection; the exam was not submitted.`, "error");
      return;
    }
    await request("POST", `${base}/submit`);
    location.href = resultUrl;
  } catch (err) {
    flash(err instanceof ApiError ? err.message : "No connection to the server: the exam was not submitted yet. Try again.",
      "error");
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("candidate");
  el("back-link").href = examUrl;
  examChrome(id, queue);
  for (const b of document.querySelectorAll(".review-filters button")) {
    b.addEventListener("click", () => setFilter(b.dataset.filter));
  }
  loadAreas();
  window.addEventListener("online", () => { if (!areas.size) loadAreas(); });
  const countdown = new Countdown(el("timer"), {
    onWarning: (mark, left, late) => showBox("time-warning", warningText(mark, left, late)),
    onZero: () => { showBox("time-warning", "Time is over. Your exam is being submitted as it stands."); setTimeout(() => { location.href = resultUrl; }, 3000); },
  });
  try {
    summary = (await request("GET", base)).data;
  } catch (err) {
    flash(err instanceof ApiError ? err.message : "No connection to the server: reload in a moment.", "error");
    return;
  }
  if (summary.status !== "in_progress") { location.replace(resultUrl); return; }
  el("exam-name").textContent = summary.blueprint_name;
  countdown.sync(summary.seconds_remaining);
  render();
  renderQueueState(queue);
  el("submit").addEventListener("click", submit);
  queue.flush();
  setInterval(async () => {
    try { countdown.sync((await request("GET", base)).data.seconds_remaining); } catch { /* offline: keep counting */ }
  }, 30000);
});
