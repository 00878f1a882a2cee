// The result of an attempt, from scoring (202 while it is being scored), with
// the question review: the questions as shown, the answer given, the key and why.

import { ApiError, h, requireRole } from "/static/common/mockcert.js";
import { attemptIdFromPath, request, when } from "/static/exam-common.js";

const id = attemptIdFromPath();
const el = (x) => document.getElementById(x);
const POLL_MS = 1500;
const LABELS = ["A", "B", "C", "D"];
// "Answer B", "Option C": rationales name options by their written letters; when
// the options were shuffled, name them by the letters this candidate saw
// (the same references exam-delivery's assembly accepts for shuffled items).
const REFERENCE = /\b(options?|answers?|choices?)\s+([A-D])\b/gi;

function relabel(text, order) {
  if (!order || !order.length || order.join("") === "ABCD") return text;
  return text.replace(REFERENCE, (match, word, letter) => {
    const shown = order.indexOf(letter);
    return letter === letter.toUpperCase() && shown >= 0 ? `${word} ${LABELS[shown]}` : match;
  });
}

function status(text) { el("result-status").replaceChildren(h("p", {}, text)); }

async function loadResult() {
  for (;;) {
    try {
      const { status: code, data } = await request("GET", `/api/results/${encodeURIComponent(id)}`);
      if (code === 200 && data.status === "scored") return data;
      status("Your exam is submitted and being scored…");
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) { status("No such result."); return null; }
      if (err instanceof ApiError && err.status === 409) status("This exam is not submitted yet: its result follows its submission.");
      else status("Waiting for the scoring service…");
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function score(r) {
  const verdict = r.passed ? "Pass" : "Did not pass";
  return [
    h("p", { class: `exam-verdict ${r.passed ? "pass" : "fail"}` }, verdict),
    h("dl", { class: "exam-facts" },
      h("dt", {}, "Score"), h("dd", {}, `${r.raw_score} of ${r.question_count} correct (${r.percent} %)`),
      h("dt", {}, "Needed to pass"), h("dd", {}, `${r.cut_score_percent} %`),
      r.scaled_score !== null && r.scaled_score !== undefined
        ? [h("dt", {}, "Scaled score"), h("dd", {}, `${r.scaled_score} (200 to pass)`)] : null,
      h("dt", {}, "Answered"), h("dd", {}, `${r.answered_count} of ${r.question_count}`),
      h("dt", {}, "Exam"), h("dd", {}, r.blueprint_name),
      h("dt", {}, "Submitted"), h("dd", {}, `${when(r.submitted_at)}${r.submitted_by === "sweeper" ? " (time ran out)" : ""}`)),
  ];
}

function domains(r) {
  return h("table", {},
    h("caption", { class: "muted" }, "Correct answers per content area, in code-book order"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Area"), h("th", { scope: "col" }, "Correct"),
      h("th", { scope: "col" }, "Questions"), h("th", { scope: "col" }, "Percent"))),
    h("tbody", {}, ...r.domains.map((d) => h("tr", { class: d.below_target ? "below" : "" },
      h("th", { scope: "row" }, d.name), h("td", {}, String(d.correct)), h("td", {}, String(d.total)),
      h("td", {}, `${d.percent} %${d.below_target ? " (below target)" : ""}`)))));
}

function diagnostic(r) {
  const d = r.diagnostic;
  if (!d) return [];
  const out = [h("p", {}, d.pace.message)];
  if (d.focus && d.focus.length) {
    out.push(h("h3", {}, "Focus next on"), h("ol", {}, ...d.focus.map((f) => h("li", {}, h("strong", {}, f.name), `: ${f.reason}`))));
  }
  return out;
}

function review(r, questions) {
  const byPos = new Map(questions.map((q) => [q.position, q]));
  return r.review.map((entry) => {
    const q = byPos.get(entry.position);
    const options = q ? q.options.map((o) => {
      const marks = [];
      if (o.label === entry.key) marks.push("correct answer");
      if (o.label === entry.selected) marks.push("your answer");
      return h("li", { class: [o.label === entry.key ? "key" : "", o.label === entry.selected ? "chosen" : ""].join(" ").trim() },
        h("strong", {}, `${o.label}. `), o.text, marks.length ? h("span", { class: "exam-mark" }, ` (${marks.join(", ")})`) : null);
    }) : [];
    return h("article", { class: `exam-review-item ${entry.correct ? "right" : "wrong"}`, dataset: { correct: String(entry.correct) } },
      h("h3", {}, `Question ${entry.position}: ${entry.correct ? "correct" : entry.selected ? "incorrect" : "not answered"}`),
      q ? h("p", { class: "question-stem" }, q.stem) : null,
      options.length ? h("ul", { class: "options exam-review-options" }, ...options) : null,
      h("p", {}, `Your answer: ${entry.selected || "none"}. Correct answer: ${entry.key}.`),
      h("p", { class: "exam-rationale" }, h("strong", {}, "Why: "), relabel(entry.rationale, entry.option_order)));
  });
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("candidate");
  status("Loading your result…");
  const r = await loadResult();
  if (!r) return;
  let questions = [];
  try {
    questions = (await request("GET", `/api/attempts/${encodeURIComponent(id)}/questions`)).data.questions;
  } catch { /* the review still lists keys and rationales without the question text */ }
  el("score").replaceChildren(...score(r));
  el("cut-note").textContent = r.cut_note || "";
  el("diagnostic").replaceChildren(...diagnostic(r));
  el("domains").replaceChildren(domains(r));
  if (r.review_available === false) {
    // The blueprint's attempt policy keeps the answer key and rationales back.
    el("missed-only").closest("p").hidden = true;
    el("review").replaceChildren(h("p", { class: "muted", id: "review-withheld" },
      r.review_available_at
        ? `The answer review with keys and explanations opens ${when(r.review_available_at)}.`
        : "This exam does not show the answer key or explanations: your score and per-area results are above."));
  } else {
    el("review").replaceChildren(...review(r, questions));
  }
  if (r.low_answer) {
    el("cut-note").textContent = `${r.cut_note || ""} Fewer questions were answered than this exam counts in its statistics: `
      + "this attempt is yours to see, but it is left out of pass rates.";
  }
  el("missed-only").addEventListener("change", (ev) => {
    for (const art of document.querySelectorAll(".exam-review-item")) {
      art.hidden = ev.target.checked && art.dataset.correct === "true";
    }
  });
  el("result-status").replaceChildren(h("p", {}, r.passed ? "Scored: you passed." : "Scored."));
  el("result").hidden = false;
});
