// The result of an attempt, from scoring (202 while it is being scored), with
// the question review: the questions as shown, the answer given, the key and why.

import { ApiError, h, requireRole } from "/static/common/mockcert.js";
import { attemptIdFromPath, duration, request, when } from "/static/exam-common.js";

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
  return h("table", { class: "exam-domains" },
    h("caption", { class: "muted" }, "Correct answers per content area, in code-book order"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Area"), h("th", { scope: "col" }, "Correct"),
      h("th", { scope: "col" }, "Questions"), h("th", { scope: "col" }, "Percent"))),
    h("tbody", {}, ...r.domains.map((d) => h("tr", { class: d.below_target ? "below" : "" },
      h("th", { scope: "row" }, d.name), h("td", {}, String(d.correct)), h("td", {}, String(d.total)),
      h("td", {}, `${d.percent} %${d.below_target ? " (below target)" : ""}`)))));
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// A span of time as a person says it: "45 s", "4 min 10 s", "1 h 5 min" (never "0.0 minutes").
function span(seconds) {
  if (seconds < 0.5) return "under 1 s"; // the server's times are whole seconds: 0 s is under 1 s
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  return duration(s);
}

// A time per question: "about 2 min 24 s", or "under 1 s" (never "about under 1 s").
function perQuestion(seconds) {
  const s = span(seconds);
  return s.startsWith("under") ? s : `about ${s}`;
}

// Time used and pace, from the server's timestamps: started_at, submitted_at and the deadline
// (start + limit x accommodation). `a` is GET /api/attempts/{id}, null when it could not be read.
function timing(r, a) {
  const started = Date.parse(r.started_at);
  const used = Math.max(0, (Date.parse(r.submitted_at) - started) / 1000);
  const allowed = a && a.deadline ? Math.max(1, (Date.parse(a.deadline) - started) / 1000)
    : r.diagnostic.pace.seconds_allowed;
  const n = r.question_count;
  const answered = r.answered_count;
  const unanswered = n - answered;
  const timedOut = r.submitted_by === "sweeper" || (a && a.status === "expired") || used >= allowed;
  const left = Math.max(0, allowed - used);
  const facts = [
    ["Time used", `${span(Math.min(used, allowed))} of ${span(allowed)}`
      + (a && a.time_multiplier && a.time_multiplier !== 1 ? " (with your time accommodation)" : "")],
    ["Pace", answered
      ? `${perQuestion(used / answered)} per answered question; the exam allows ${perQuestion(allowed / n)} per question`
      : "no question answered"],
  ];
  let message;
  if (timedOut) {
    if (!answered) message = "Time ran out before any question was answered: the exam was submitted as it stood.";
    else if (unanswered) {
      message = `Time ran out with ${plural(unanswered, "question", "questions")} unanswered, and the exam was `
        + "submitted as it stood. Move on from a hard question and come back to it: a blank is always wrong.";
    } else message = `Time ran out as you finished: all ${n} questions were answered.`;
  } else if (!answered) {
    message = `You submitted with ${span(left)} left and no question answered. A blank is always wrong; `
      + "a guess is right one time in four.";
  } else if (unanswered) {
    message = `You submitted with ${span(left)} left and ${plural(unanswered, "question", "questions")} unanswered: `
      + "a blank is always wrong, a guess is right one time in four.";
  } else {
    message = `You answered all ${n} questions and submitted with ${span(left)} left.`;
    if (!r.passed && used < allowed / 2) message += " Use the time you have to check codes in the manuals.";
  }
  return { facts, message, timedOut };
}

function timeSection(r, a) {
  const t = timing(r, a);
  return [
    h("dl", { class: "exam-facts" }, ...t.facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("p", { id: "pace-message" }, t.message),
  ];
}

function diagnostic(r) {
  const d = r.diagnostic;
  if (!d) return [];
  const out = [];
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
    const flagged = Boolean(q && q.flagged);
    return h("article", { class: `exam-review-item ${entry.correct ? "right" : "wrong"}`,
                          dataset: { correct: String(entry.correct), flagged: String(flagged) } },
      h("h3", {}, `Question ${entry.position}: ${entry.correct ? "correct" : entry.selected ? "incorrect" : "not answered"}`,
        flagged ? h("span", { class: "exam-flag-mark" }, h("span", { "aria-hidden": "true" }, " \u2691"), " Flagged") : null),
      q ? h("p", { class: "question-stem" }, q.stem) : null,
      options.length ? h("ul", { class: "options exam-review-options" }, ...options) : null,
      h("p", {}, `Your answer: ${entry.selected || "none"}. Correct answer: ${entry.key}.`),
      h("p", { class: "exam-rationale" }, h("strong", {}, "Why: "), relabel(entry.rationale, entry.option_order)));
  });
}

const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}, text = null) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
};

// The overall score of each attempt as a small line chart against the cut; the table beside it
// holds the same numbers (and the per-area ones), so the chart itself is only a picture of them.
function trendChart(rows, cut) {
  const W = 320, H = 140, L = 34, R = 10, T = 10, B = 24;
  const x = (i) => L + (rows.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (rows.length - 1));
  const y = (p) => T + ((100 - p) * (H - T - B)) / 100;
  const words = rows.map((row, i) => `attempt ${i + 1}: ${row.percent} %`).join(", ");
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg exam-trend-chart", role: "img",
                             "aria-label": `Score by attempt, oldest first: ${words}; ${cut} % needed to pass.` });
  for (const p of [0, 50, 100]) {
    chart.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(p), y2: y(p) }),
      svg("text", { class: "tick", x: L - 4, y: y(p) + 4, "text-anchor": "end" }, `${p}`));
  }
  chart.append(svg("line", { class: "cut", x1: L, x2: W - R, y1: y(cut), y2: y(cut) }));
  chart.append(svg("polyline", { class: "line", points: rows.map((row, i) => `${x(i)},${y(row.percent)}`).join(" ") }));
  rows.forEach((row, i) => {
    chart.append(svg("circle", { class: "dot", cx: x(i), cy: y(row.percent), r: 4 }),
      svg("text", { class: "tick", x: x(i), y: H - 6, "text-anchor": "middle" }, `#${i + 1}`));
  });
  return h("figure", { class: "chart-figure" }, chart,
    h("figcaption", {}, `Score by attempt, oldest first; the dashed line is the ${cut} % needed to pass.`));
}

// Score and per-area results across this candidate's scored attempts of the blueprint, oldest first.
async function trend(r) {
  let list;
  try {
    const q = `/api/results?blueprint_id=${encodeURIComponent(r.blueprint_id)}&limit=6`;
    list = (await request("GET", q)).data.results.slice().reverse();
  } catch {
    return [h("p", { class: "muted" }, "Your earlier attempts could not be loaded.")];
  }
  if (!list.some((x) => x.attempt_id === r.attempt_id)) list.push(r);
  if (list.length < 2) {
    return [h("p", { class: "muted", id: "trend-note" },
      "This is your first scored attempt at this exam: your progress across attempts shows here after the next one.")];
  }
  const full = await Promise.all(list.map((x) => (x.attempt_id === r.attempt_id ? r
    : request("GET", `/api/results/${encodeURIComponent(x.attempt_id)}`).then(
      ({ data }) => (data.status === "scored" ? data : null), () => null))));
  const rows = list.map((x, i) => ({ ...x, domains: full[i] ? full[i].domains : [] }));
  const head = rows.map((row, i) => h("th", { scope: "col" }, `#${i + 1}`,
    h("span", { class: "exam-trend-date" }, row.attempt_id === r.attempt_id ? "this attempt"
      : new Date(row.submitted_at).toLocaleString([], { dateStyle: "short", timeStyle: "short" }))));
  const cell = (row, code) => {
    const d = row.domains.find((x) => x.code === code);
    return h("td", { class: "num" }, d ? `${d.percent} %` : "—");
  };
  const table = h("table", { class: "exam-trend" },
    h("caption", {}, "Score and per-area percent correct, oldest attempt first"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Area"), ...head)),
    h("tbody", {},
      h("tr", { class: "overall" }, h("th", { scope: "row" }, "Score"),
        ...rows.map((row) => h("td", { class: "num" }, `${row.percent} %`,
          h("span", { class: "exam-trend-date" }, row.passed ? "passed" : "not passed")))),
      ...r.domains.map((d) => h("tr", {}, h("th", { scope: "row" }, d.name), ...rows.map((row) => cell(row, d.code))))));
  return [trendChart(rows, r.cut_score_percent),
    h("div", { class: "table-wrap", role: "region", "aria-label": "Your attempts, by area", tabindex: "0" }, table)];
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("candidate");
  status("Loading your result…");
  const r = await loadResult();
  if (!r) return;
  let questions = [];
  let attempt = null;
  try {
    questions = (await request("GET", `/api/attempts/${encodeURIComponent(id)}/questions`)).data.questions;
  } catch { /* the review still lists keys and rationales without the question text */ }
  try {
    attempt = (await request("GET", `/api/attempts/${encodeURIComponent(id)}`)).data;
  } catch { /* time used is still shown, against the exam's own limit */ }
  el("score").replaceChildren(...score(r));
  el("cut-note").textContent = r.cut_note || "";
  el("time").replaceChildren(...timeSection(r, attempt));
  el("diagnostic").replaceChildren(...diagnostic(r));
  el("domains").replaceChildren(h("div", { class: "table-wrap", role: "region", "aria-label": "Results by content area",
                                         tabindex: "0" }, domains(r)));
  el("trend").replaceChildren(...await trend(r));
  if (r.review_available === false) {
    // The blueprint's attempt policy keeps the answer key and rationales back.
    el("review-filters").hidden = true;
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
  const filter = () => {
    const missed = el("missed-only").checked, flagged = el("flagged-only").checked;
    for (const art of document.querySelectorAll(".exam-review-item")) {
      art.hidden = (missed && art.dataset.correct === "true") || (flagged && art.dataset.flagged !== "true");
    }
  };
  el("missed-only").addEventListener("change", filter);
  el("flagged-only").addEventListener("change", filter);
  if (!questions.some((q) => q.flagged)) el("flagged-only").closest("label").hidden = true;
  // The status line only spoke while loading: the result speaks for itself.
  el("result-status").replaceChildren();
  el("result").hidden = false;
});
