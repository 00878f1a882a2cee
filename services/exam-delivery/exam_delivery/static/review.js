// The review screen: what is unanswered or flagged, then a confirmed submission.
// Unsaved changes are sent first; the exam is not submitted while any is waiting.

import { ApiError, flash, h, requireRole } from "/static/common/mockcert.js";
import {
  Countdown, SaveQueue, attemptIdFromPath, confirmDialog, renderQueueState, request, showBox, warningText,
} from "/static/exam-common.js";

const id = attemptIdFromPath();
const base = `/api/attempts/${encodeURIComponent(id)}`;
const examUrl = `/exam/attempts/${encodeURIComponent(id)}`;
const resultUrl = `${examUrl}/result`;
const el = (x) => document.getElementById(x);
const queue = new SaveQueue(id, () => { renderQueueState(queue); if (summary) render(); });
let summary = null;

function state(item) {
  const c = queue.change(item.position);
  return {
    answered: c && "selected" in c ? c.selected !== null : item.answered,
    flagged: c && "flagged" in c ? c.flagged : item.flagged,
  };
}

function list(positions, empty) {
  if (!positions.length) return h("p", { class: "muted" }, empty);
  return h("ul", { class: "exam-review-list" }, ...positions.map((it) => h("li", {},
    it.locked
      ? h("span", {}, `Question ${it.position} (${it.domain}, closed part)`)
      : h("a", { href: `${examUrl}#q=${it.position}` }, `Question ${it.position}`, h("span", { class: "muted" }, ` (${it.domain})`)))));
}

function render() {
  const rows = summary.items.map((it) => ({ ...it, ...state(it) }));
  const unanswered = rows.filter((r) => !r.answered);
  const flagged = rows.filter((r) => r.flagged);
  const done = rows.length - unanswered.length;
  el("review-summary").textContent =
    `You answered ${done} of ${rows.length} questions; ${unanswered.length} unanswered, ${flagged.length} flagged for review.`;
  el("unanswered").replaceChildren(list(unanswered, "Every question has an answer."));
  el("flagged").replaceChildren(list(flagged, "No question is flagged."));
}

async function submit() {
  const unanswered = summary.items.filter((it) => !state(it).answered).length;
  const ok = await confirmDialog("Submit your exam?",
    `${unanswered ? `${unanswered} question(s) have no answer. ` : ""}After submitting you cannot change any answer.`,
    "Submit exam");
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
  const countdown = new Countdown(el("timer"), {
    onWarning: (mark) => showBox("time-warning", warningText(mark)),
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
  window.addEventListener("beforeunload", (ev) => { if (queue.size()) { ev.preventDefault(); ev.returnValue = ""; } });
  queue.flush();
  setInterval(async () => {
    try { countdown.sync((await request("GET", base)).data.seconds_remaining); } catch { /* offline: keep counting */ }
  }, 30000);
});
