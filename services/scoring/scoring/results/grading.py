"""Scoring one attempt: raw score, per-domain tallies, the cut, the diagnostic.

Pure functions (no I/O, no clock): the service layer feeds them an event and,
once items are calibrated, the IRT parameters of the form and of the
blueprint's reference form. The heavy statistics live in `scoring.stats`.

The cut. Before calibration the blueprint's percent cut applies to the raw
score ("raw"). Once every item on the form is calibrated, the cut is the
blueprint's standard theta_c on the reference scale (set by the first
calibration where its reference form has the percent cut as expected score,
kept while the bank grows, reset only by an admin), and the form gets its own raw cut
c_f = sum over its items of P_i(theta_c) (IRT true-score equating, "equated").
The scaled score maps the true-score ability of the raw score on this form to
100..300 with theta_c at 200, so "passed" and "scaled score >= 200" always
agree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from scoring.results.schemas import Diagnostic, DomainResult, FocusEntry, Pace
from scoring.stats import irt
from scoring.wire import domain_name
from shared import contracts
from shared.contracts import LABEL_INDEX, LABELS, AttemptSubmitted, Label
from shared.domains import DOMAIN_ORDER
from shared.errors import FieldError

OMIT = -1  # an omitted answer, where options are stored as 0..3 (the index of their label in LABELS)
TARGET_PERCENT = 70.0  # every area should reach what the whole exam needs
RUSHED_SHARE = 0.5  # finished in under half the time while failing
FOCUS_MAX = 5
_EPS = 1e-9


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a UTC offset is required")
    return parsed.astimezone(dt.UTC)


def _domain_sort_key(code: str) -> tuple[int, str]:
    return DOMAIN_ORDER.get(code, len(DOMAIN_ORDER)), code


def validate_event(event: AttemptSubmitted) -> list[FieldError]:
    """Everything scoring relies on, named by field; an empty list means valid."""
    errors: list[FieldError] = []
    if not event.responses:
        errors.append(FieldError("responses", "an attempt has at least one question"))
    if not 0.0 <= event.cut_score_percent <= 100.0:
        errors.append(FieldError("cut_score_percent", "must lie in 0..100"))
    if event.time_limit_seconds <= 0:
        errors.append(FieldError("time_limit_seconds", "must be positive"))
    times = {}
    for name in ("started_at", "submitted_at"):
        try:
            times[name] = parse_time(getattr(event, name))
        except ValueError:
            errors.append(FieldError(name, "must be an ISO 8601 time with its UTC offset"))
    if len(times) == 2 and times["submitted_at"] < times["started_at"]:
        errors.append(FieldError("submitted_at", "is before started_at"))
    if event.deadline is not None:
        try:
            if "started_at" in times and parse_time(event.deadline) <= times["started_at"]:
                errors.append(FieldError("deadline", "is not after started_at"))
        except ValueError:
            errors.append(FieldError("deadline", "must be an ISO 8601 time with its UTC offset"))
    positions = sorted(r.position for r in event.responses)
    if positions != list(range(1, len(positions) + 1)):
        errors.append(FieldError("responses", "positions must be 1..n, each once"))
    seen: set[tuple[str, int]] = set()
    for i, r in enumerate(event.responses):
        if r.key not in LABEL_INDEX:
            errors.append(FieldError(f"responses[{i}].key", "must be one of A, B, C, D"))
        if r.option_order and sorted(r.option_order) != list(LABELS):
            errors.append(FieldError(f"responses[{i}].option_order", "must be A, B, C, D in the order shown"))
        if r.item_key and r.item_key not in LABEL_INDEX:
            errors.append(FieldError(f"responses[{i}].item_key", "must be one of A, B, C, D"))
        elif (r.item_key and r.key in LABEL_INDEX and not (r.option_order and sorted(r.option_order) != list(LABELS))
              and contracts.original_label(r.option_order, r.key) != r.item_key):
            errors.append(FieldError(f"responses[{i}].item_key", "does not match key under option_order"))
        if r.selected is not None and r.selected not in LABEL_INDEX:
            errors.append(FieldError(f"responses[{i}].selected", "must be one of A, B, C, D or null"))
        if not r.item_id or r.item_version < 1:
            errors.append(FieldError(f"responses[{i}].item_id", "item_id and item_version >= 1 are required"))
        if not r.domain:
            errors.append(FieldError(f"responses[{i}].domain", "required"))
        if (r.item_id, r.item_version) in seen:
            errors.append(FieldError(f"responses[{i}].item_id", "an item appears once on a form"))
        seen.add((r.item_id, r.item_version))
    return errors


# ---------------------------------------------------------------- one attempt


@dataclass(frozen=True, slots=True)
class FormIrt:
    """Calibrated parameters for the form's items (in position order) and the reference form."""

    calibration_id: int
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    ref_a: NDArray[np.float64]
    ref_b: NDArray[np.float64]
    theta_cut: float | None = None  # the blueprint's stored standard; None: derive it from the reference form


@dataclass(frozen=True, slots=True)
class DomainTally:
    code: str
    correct: int
    total: int


@dataclass(frozen=True, slots=True)
class Graded:
    raw_score: int
    question_count: int
    answered_count: int
    percent: float
    passed: bool
    cut_used: str  # "raw" | "equated"
    cut_score_percent: float
    raw_cut: float
    blueprint_cut_percent: float
    scaled_score: int | None
    theta: float | None
    theta_se: float | None
    calibration_id: int | None
    domains: list[DomainTally]
    choices: bytes  # int8 per position: original option 0..3 = A..D, -1 omitted
    keys: bytes  # int8 per position: the original key
    orders: bytes  # 4 x int8 per position: the original option shown under A, B, C, D


def encode_choices(event: AttemptSubmitted) -> tuple[NDArray[np.int8], NDArray[np.int8], NDArray[np.int8]]:
    """Choices and keys as ORIGINAL options (0..3, -1 omitted), and the order shown (N x 4).

    The event carries the labels the candidate saw, the item's own key and, when the
    options were shuffled, `option_order` (the original label shown under A, B, C, D).
    Statistics need the original options, so that "B" means the same option
    for every candidate; the order is kept to give the candidate's labels back.
    """
    ordered = sorted(event.responses, key=lambda r: r.position)
    orders = np.asarray([[LABEL_INDEX[x] for x in (r.option_order or LABELS)] for r in ordered], dtype=np.int8)
    shown_sel = np.array(
        [OMIT if r.selected is None else LABEL_INDEX[r.selected] for r in ordered], dtype=np.int64
    )
    rows = np.arange(len(ordered))
    choices = np.where(shown_sel >= 0, orders[rows, np.maximum(shown_sel, 0)], OMIT).astype(np.int8)
    # The item's own key as the event carries it; events from older deliveries give only the
    # key as shown, mapped back through the order (validate_event checks the two agree).
    keys = np.array([LABEL_INDEX[r.item_key] if r.item_key else orders[i, LABEL_INDEX[r.key]]
                     for i, r in enumerate(ordered)], dtype=np.int8)
    return choices, keys, orders


def original_keys(event: AttemptSubmitted) -> list[str]:
    """Each position's key as its original option label, in position order."""
    return [LABELS[k] for k in encode_choices(event)[1].tolist()]


def shown_label(order: list[int], original: int) -> Label | None:
    """The label the candidate saw for a stored original option (None for an omission); `order`
    as stored: the original option (0..3) shown under A, B, C, D."""
    if original == OMIT:
        return None
    return contracts.shown_label([LABELS[o] for o in order], LABELS[original])


def grade(event: AttemptSubmitted, form_irt: FormIrt | None = None) -> Graded:
    """Score a validated event; with `form_irt`, decide against the form's equated cut."""
    ordered = sorted(event.responses, key=lambda r: r.position)
    choices, keys, orders = encode_choices(event)
    correct = choices == keys
    k = len(ordered)
    raw = int(correct.sum())
    answered = int((choices != OMIT).sum())
    percent = round(100.0 * raw / k, 2)
    tallies: dict[str, list[int]] = {}
    for r, ok in zip(ordered, correct.tolist(), strict=True):
        t = tallies.setdefault(r.domain, [0, 0])
        t[0] += int(ok)
        t[1] += 1
    domains = [
        DomainTally(code, c, n)
        for code, (c, n) in sorted(tallies.items(), key=lambda kv: _domain_sort_key(kv[0]))
    ]
    blueprint_cut = float(event.cut_score_percent)

    if form_irt is None:
        raw_cut = blueprint_cut * k / 100.0
        return Graded(
            raw_score=raw,
            question_count=k,
            answered_count=answered,
            percent=percent,
            passed=raw >= raw_cut - _EPS,
            cut_used="raw",
            cut_score_percent=blueprint_cut,
            raw_cut=round(raw_cut, 4),
            blueprint_cut_percent=blueprint_cut,
            scaled_score=None,
            theta=None,
            theta_se=None,
            calibration_id=None,
            domains=domains,
            choices=choices.tobytes(),
            keys=keys.tobytes(),
            orders=orders.tobytes(),
        )

    eq = equate(
        correct, form_irt.a, form_irt.b, form_irt.ref_a, form_irt.ref_b, blueprint_cut, theta_cut=form_irt.theta_cut
    )
    return Graded(
        raw_score=raw,
        question_count=k,
        answered_count=answered,
        percent=percent,
        passed=eq.passed,
        cut_used="equated",
        cut_score_percent=round(100.0 * eq.raw_cut / k, 2),
        raw_cut=round(eq.raw_cut, 4),
        blueprint_cut_percent=blueprint_cut,
        scaled_score=eq.scaled_score,
        theta=eq.theta,
        theta_se=eq.theta_se,
        calibration_id=form_irt.calibration_id,
        domains=domains,
        choices=choices.tobytes(),
        keys=keys.tobytes(),
        orders=orders.tobytes(),
    )


@dataclass(frozen=True, slots=True)
class Equated:
    theta_cut: float
    raw_cut: float
    passed: bool
    scaled_score: int
    theta: float
    theta_se: float


def equate(
    correct: NDArray[np.bool_],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    ref_a: NDArray[np.float64],
    ref_b: NDArray[np.float64],
    cut_percent: float,
    *,
    theta_cut: float | None = None,
) -> Equated:
    """The form's equated raw cut, the decision, the scaled score and the EAP ability.

    `theta_cut`: the blueprint's standard on the reference scale; without one, where the
    reference form's expected score is the percent cut."""
    if theta_cut is None:
        theta_cut = irt.equated_theta_cut(ref_a, ref_b, cut_percent / 100.0)
    raw_cut = float(irt.tcc([theta_cut], a, b)[0])
    raw = int(correct.sum())
    passed = raw >= raw_cut - _EPS
    theta_ts = float(irt.theta_for_true_score(raw, a, b)[0])
    scaled = float(irt.scaled_score(theta_ts, theta_cut))
    # The report rounds; the decision must still read the same way off the scale.
    shown = int(math.floor(scaled + 0.5))
    shown = max(shown, 200) if passed else min(shown, 199)
    ability = irt.eap(correct[None, :].astype(np.float64), a, b)
    return Equated(
        theta_cut=theta_cut,
        raw_cut=raw_cut,
        passed=passed,
        scaled_score=shown,
        theta=float(ability.theta[0]),
        theta_se=float(ability.sd[0]),
    )


# ---------------------------------------------------------------- the report


def domain_results(domains: list[dict[str, int | str]]) -> list[DomainResult]:
    out = []
    for d in domains:
        code, correct, total = str(d["code"]), int(d["correct"]), int(d["total"])
        pct = round(100.0 * correct / total, 1) if total else 0.0
        out.append(
            DomainResult(
                code=code,
                name=domain_name(code),
                correct=correct,
                total=total,
                percent=pct,
                below_target=pct < TARGET_PERCENT,
            )
        )
    return out


def seconds_allowed(event: AttemptSubmitted) -> int:
    """The time this candidate was allowed: up to their own deadline (with an accommodation), or
    the blueprint's limit for events that carry no deadline."""
    if event.deadline:
        try:
            span = (parse_time(event.deadline) - parse_time(event.started_at)).total_seconds()
        except ValueError:
            span = 0.0
        if span > 0:
            return int(round(span))
    return int(event.time_limit_seconds)


def count(n: int, one: str, many: str) -> str:
    """ "1 point", "7 points": never "point(s)"."""
    return f"{n} {one if n == 1 else many}"


def duration(seconds: float) -> str:
    """A span as a person says it: "45 s", "7 min 30 s", "3 h 18 min"."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, rest = divmod(s, 60)
        return f"{m} min {rest} s" if rest else f"{m} min"
    h, rest = divmod(s, 3600)
    m = rest // 60
    return f"{h} h {m} min" if m else f"{h} h"


def pace(
    started_at: dt.datetime,
    submitted_at: dt.datetime,
    time_limit_seconds: int,
    question_count: int,
    answered_count: int,
    submitted_by: str,
    passed: bool,
) -> Pace:
    """Time used against the time allowed per question (`time_limit_seconds`: this candidate's)."""
    used = max(0, int(round((submitted_at - started_at).total_seconds())))
    allowed = max(1, int(time_limit_seconds))
    share = min(used / allowed, 9.99)
    per_q_allowed = allowed / question_count
    per_q_used = used / question_count
    unanswered = question_count - answered_count
    per_answer = used / answered_count if answered_count else 0.0
    if submitted_by == "sweeper" or used >= allowed:
        verdict: Literal["timed_out", "rushed", "on_pace"] = "timed_out"
        if answered_count == 0:
            message = (f"Time ran out with no question answered. The exam allows about "
                       f"{duration(per_q_allowed)} a question: answer what you can, then come back.")
        elif unanswered:
            message = (f"Time ran out with {count(unanswered, 'question', 'questions')} unanswered. The exam "
                       f"allows about {duration(per_q_allowed)} a question: move on from hard questions and come back.")
        else:
            message = (f"You answered every question and used all {duration(allowed)}; the exam allows "
                       f"about {duration(per_q_allowed)} a question.")
    elif answered_count == 0:
        verdict = "rushed"
        message = (f"You submitted after {duration(used)} without answering any question; "
                   f"{duration(allowed - used)} of {duration(allowed)} were left.")
    elif share < RUSHED_SHARE and not passed:
        verdict = "rushed"
        message = (
            f"You submitted after {duration(used)} of {duration(allowed)}, about {duration(per_answer)} "
            f"a question answered against {duration(per_q_allowed)} allowed: use the time to check codes "
            "in the manuals."
        )
    else:
        verdict = "on_pace"
        message = (f"You used {duration(used)} of {duration(allowed)}, about {duration(per_q_used)} a question "
                   f"against {duration(per_q_allowed)} allowed.")
    return Pace(
        seconds_used=used,
        seconds_allowed=allowed,
        seconds_per_question_used=round(per_q_used, 1),
        seconds_per_question_allowed=round(per_q_allowed, 1),
        share_of_time_used=round(share, 3),
        unanswered=unanswered,
        verdict=verdict,
        message=message,
    )


def focus_list(domains: list[DomainResult], unanswered: int) -> list[FocusEntry]:
    """Areas under target, the ones that cost the most points first."""
    weak = [d for d in domains if d.below_target]
    weak.sort(key=lambda d: (-(d.total - d.correct), d.percent, _domain_sort_key(d.code)))
    out = []
    for d in weak[:FOCUS_MAX]:
        lost = d.total - d.correct
        out.append(
            FocusEntry(
                code=d.code,
                name=d.name,
                percent=d.percent,
                points_lost=lost,
                reason=f"{d.correct} of {d.total} correct ({d.percent:.0f} %): "
                f"{count(lost, 'point', 'points')} lost, target {TARGET_PERCENT:.0f} %",
            )
        )
    if unanswered:
        out.append(
            FocusEntry(
                code="UNANSWERED",
                name="Unanswered questions",
                percent=0.0,
                points_lost=unanswered,
                reason=f"{count(unanswered, 'question', 'questions')} left blank: a blank is always wrong, "
                "a guess is right one time in four",
            )
        )
    return out


def diagnose(
    domains: list[DomainResult],
    started_at: dt.datetime,
    submitted_at: dt.datetime,
    time_limit_seconds: int,
    question_count: int,
    answered_count: int,
    submitted_by: str,
    passed: bool,
) -> Diagnostic:
    p = pace(
        started_at, submitted_at, time_limit_seconds, question_count, answered_count, submitted_by, passed
    )
    return Diagnostic(
        target_percent=TARGET_PERCENT,
        weak_domains=[d.code for d in domains if d.below_target],
        pace=p,
        focus=focus_list(domains, p.unanswered),
    )


def cut_note(cut_used: str, blueprint_cut: float, cut_percent: float, raw_cut: float) -> str:
    if cut_used == "equated":
        return (
            f"Decided against this form's own equated cut: {raw_cut:.1f} points ({cut_percent:.1f} %), "
            f"the score a candidate at the {blueprint_cut:.0f} % standard is expected to reach on these "
            "questions (IRT true-score equating). The scaled score puts that standard at 200."
        )
    return (
        f"Decided against the raw cut of {blueprint_cut:.0f} %: the questions are not calibrated yet, "
        "so no form-specific cut or scaled score is available."
    )
