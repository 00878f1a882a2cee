// The candidate's dashboard: the exams they can start, the one in progress, past attempts.

import { ApiError, flash, h, requireRole } from "/static/common/mockcert.js";
import { clock, confirmDialog, duration, request, when } from "/static/exam-common.js";

const el = (x) => document.getElementById(x);

// The blueprint's attempt policy for this candidate: attempts left, when the next is allowed.
function eligibilityNote(e) {
  if (!e) return null;
  const parts = [];
  if (e.max_attempts !== null) {
    parts.push(`${e.attempts_remaining} of ${e.max_attempts} attempt${e.max_attempts === 1 ? "" : "s"} left.`);
  }
  if (!e.can_start && e.next_attempt_at) parts.push(`Your next attempt is allowed from ${when(e.next_attempt_at)}.`);
  else if (!e.can_start && e.reason) parts.push(`${e.reason.charAt(0).toUpperCase()}${e.reason.slice(1)}.`);
  if (e.review_mode === "never") parts.push("You will see your score and per-area results, not the answer key.");
  else if (e.review_mode === "after_date") parts.push(`The answer review opens ${when(e.review_after)}.`);
  return parts.length ? h("p", { class: e.can_start ? "muted" : "exam-policy", dataset: { policy: e.blueprint_id } }, parts.join(" ")) : null;
}

// The candidate's own time: the exam's limit times their accommodation, as the server sets the
// deadline (start + ceil(limit x multiplier)).
let multiplier = 1;
const yourTime = (seconds) => Math.ceil(seconds * multiplier);

function timeFacts(bp) {
  if (multiplier === 1) return duration(bp.time_limit_seconds);
  return `${duration(yourTime(bp.time_limit_seconds))} with your time accommodation `
    + `(${duration(bp.time_limit_seconds)} \u00d7 ${multiplier})`;
}

function blueprintCard(bp, openAttempt, eligibility) {
  const facts = `${bp.question_count} questions · ${timeFacts(bp)} · pass at ${bp.cut_score_percent}\u00a0%`;
  const parts = bp.parts.length
    ? h("p", { class: "muted" }, `In ${bp.parts.length} timed parts: `
      + bp.parts.map((p) => `${p.name} (${p.question_count} questions, ${duration(yourTime(p.time_limit_seconds))})`).join("; ")
      + ". A finished part cannot be revisited.")
    : null;
  const allowed = !eligibility || eligibility.can_start;
  const start = h("button", { type: "button", class: "primary", disabled: !bp.available || Boolean(openAttempt) || !allowed,
                              "aria-describedby": `bp-${bp.id}-facts` }, `Start ${bp.name}`);
  start.addEventListener("click", () => begin(bp));
  return h("article", { class: "panel exam-card" },
    h("h3", {}, bp.name),
    h("p", { id: `bp-${bp.id}-facts` }, facts),
    parts,
    bp.available ? null : h("p", { class: "muted" }, "Not available: the question bank cannot fill it yet."),
    openAttempt ? h("p", { class: "muted" }, "Finish your exam in progress first.") : null,
    eligibilityNote(eligibility),
    h("p", {}, start));
}

async function begin(bp) {
  const ok = await confirmDialog(`Start ${bp.name}?`,
    `The clock starts now: you will have ${duration(yourTime(bp.time_limit_seconds))}`
    + `${multiplier === 1 ? "" : " (with your time accommodation)"}. `
    + "It keeps running if you close the browser.", "Start the exam");
  if (!ok) return;
  try {
    const { data } = await request("POST", "/api/attempts", { blueprint_id: bp.id });
    location.href = `/exam/attempts/${encodeURIComponent(data.id)}`;
  } catch (err) {
    flash(err instanceof ApiError ? err.message : "No connection to the server: try again.", "error");
  }
}

function attemptsTable(attempts) {
  const done = attempts.filter((a) => a.status !== "in_progress");
  if (!done.length) return h("p", { class: "muted" }, "No finished attempts yet.");
  const short = (iso) => new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  // On a phone the table scrolls inside its own (focusable) region, never the page.
  return h("div", { class: "table-wrap", role: "region", "aria-label": "Your attempts", tabindex: "0" }, h("table", { class: "exam-attempts" },
    h("thead", {}, h("tr", {}, ...["Exam", "Started", "Status", "Answered", "Result"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...done.map((a) => h("tr", {},
      h("td", {}, a.blueprint_name), h("td", {}, short(a.started_at)),
      h("td", {}, a.status === "expired" ? "submitted when time ran out" : "submitted"),
      h("td", {}, `${a.answered_count} of ${a.question_count}`),
      h("td", {}, h("a", { href: `/exam/attempts/${encodeURIComponent(a.id)}/result` }, "See result")))))));
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("candidate");
  let blueprints, attempts;
  try {
    let me;
    [blueprints, attempts, me] = await Promise.all([
      request("GET", "/api/blueprints").then((r) => r.data),
      request("GET", "/api/attempts").then((r) => r.data.attempts),
      request("GET", "/api/me").then((r) => r.data),
    ]);
    multiplier = Number(me.time_multiplier) > 0 ? Number(me.time_multiplier) : 1;
  } catch (err) {
    flash(err instanceof ApiError ? err.message : "No connection to the server: reload in a moment.", "error");
    return;
  }
  const open = attempts.find((a) => a.status === "in_progress");
  if (open) {
    el("open-attempt").hidden = false;
    el("open-body").replaceChildren(
      h("p", {}, `${open.blueprint_name}: ${open.answered_count} of ${open.question_count} answered, `
        + `${clock(open.seconds_remaining)} left.`),
      h("p", {}, h("a", { class: "button primary", href: `/exam/attempts/${encodeURIComponent(open.id)}` }, "Resume the exam")));
  }
  // Best effort: a card without its policy note still starts (the server judges the start).
  const eligibility = await Promise.all(blueprints.map((bp) =>
    request("GET", `/api/blueprints/${encodeURIComponent(bp.id)}/eligibility`).then((r) => r.data, () => null)));
  el("blueprints").replaceChildren(...blueprints.map((bp, i) => blueprintCard(bp, open, eligibility[i])));
  el("attempts").replaceChildren(attemptsTable(attempts));
});
