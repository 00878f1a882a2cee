// One result as its candidate sees it: score, cut, diagnostic, areas, every question.

import { api, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { kpi, pageStyles, when } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

// "45 s", "4 min 10 s", "1 h 5 min": never "0.0 minutes".
export function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  // Rounded to whole minutes first: 3 h 59 min 45 s is "4 h", never "3 h 60 min".
  const minutes = Math.round(s / 60), hours = Math.floor(minutes / 60), m = minutes % 60;
  return hours ? (m ? `${hours} h ${m} min` : `${hours} h`) : `${m} min`;
}

// Time used from the attempt's timestamps, against the time this candidate was allowed (their
// deadline: the blueprint's limit times any accommodation).
function paceLine(p) {
  const blanks = p.unanswered ? `${p.unanswered} question${p.unanswered === 1 ? "" : "s"} unanswered` : "every question answered";
  return `${p.verdict === "timed_out" ? "Time ran out" : "Submitted"} after ${span(p.seconds_used)}; `
    + `the candidate was allowed ${span(p.seconds_allowed)}; ${blanks}.`;
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  const id = decodeURIComponent(location.pathname.split("/").pop());
  try {
    const r = await api("GET", `/api/results/${encodeURIComponent(id)}`);
    if (r.status !== "scored") {
      document.getElementById("result-summary").replaceChildren(...kpi("Status", "Not scored yet"));
      return;
    }
    document.getElementById("result-summary").replaceChildren(
      ...kpi("Result", r.passed ? "Pass" : "Fail"),
      ...kpi("Score", `${r.raw_score} / ${r.question_count}`, `(${r.percent} %)`),
      ...kpi("Cut", `${r.raw_cut.toFixed(1)} points`, `(${r.cut_score_percent} %, ${r.cut_used})`),
      ...kpi("Scaled score", r.scaled_score === null ? "—" : String(r.scaled_score), r.scaled_score === null ? "after calibration" : "(200 to pass)"),
      ...kpi("Blueprint", r.blueprint_name),
      ...kpi("Submitted", when(r.submitted_at), r.submitted_by === "sweeper" ? "(time ran out)" : ""),
    );
    document.getElementById("cut-note").textContent = r.cut_note;
    const d = r.diagnostic;
    document.getElementById("diagnostic").replaceChildren(
      h("p", { id: "pace" }, paceLine(d.pace)),
      d.focus.length ? h("div", {}, h("h3", {}, "Focus next on"), h("ol", {}, ...d.focus.map((f) => h("li", {}, h("strong", {}, f.name), `: ${f.reason}`))))
        : h("p", {}, `Every area reached the ${d.target_percent} % target.`));
    document.getElementById("result-domains").replaceChildren(dataTable({
      caption: "By content area", csv: `result-${id}-areas.csv`, rows: r.domains,
      columns: [{ key: "name", label: "Area" }, { key: "correct", label: "Correct", num: true },
                { key: "total", label: "Questions", num: true }, { key: "percent", label: "%", num: true },
                { key: "below_target", label: `Under ${d.target_percent} %`, format: (v) => (v ? "yes" : "") }],
    }));
    const areaName = Object.fromEntries(r.domains.map((a) => [a.code, a.name]));
    document.getElementById("review").replaceChildren(dataTable({
      caption: "Questions", csv: `result-${id}-review.csv`, rows: r.review, initialSort: { key: "position", dir: 1 },
      columns: [{ key: "position", label: "#", num: true }, { key: "domain", label: "Area", value: (row) => areaName[row.domain] || row.domain },
                { key: "selected", label: "Chosen", format: (v) => v || "(blank)" }, { key: "key", label: "Key" },
                { key: "correct", label: "Result", render: (row) => h("span", { class: row.correct ? "right" : "wrong" }, row.correct ? "right" : "wrong"),
                  value: (row) => (row.correct ? "right" : "wrong") },
                { key: "rationale", label: "Rationale" }],
    }));
  } catch (err) {
    showProblem(err);
  }
});
