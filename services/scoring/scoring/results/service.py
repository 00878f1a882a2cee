"""Rules and transactions of the results: ingest an event, read and list results.

Service functions take the pool and own their transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import asyncpg
import numpy as np
import structlog

from scoring.analysis import calibrations
from scoring.results import grading, policy
from scoring.results import repository as repo
from scoring.results.repository import ResultRow, StoredResult
from scoring.results.schemas import ResultList, ResultOut, ResultSummary, ReviewEntry
from scoring.standard import repository as standards
from scoring.wire import iso
from shared.auth import Principal
from shared.contracts import LABELS, AttemptSubmitted, EventAck
from shared.errors import field_problem, not_found, validation_problem

_log = structlog.get_logger("mockcert.scoring")


async def ingest(pool: asyncpg.Pool, event: AttemptSubmitted) -> EventAck:
    """Store and score an `attempt.submitted` event in one transaction.

    Idempotent: the event id and the attempt id are both unique, so the same
    event twice (or a second event for an attempt already scored) changes
    nothing and is acknowledged as a duplicate. The acknowledgement is sent
    only after the commit, so delivery may retry until it sees one.
    """
    if event.type != "attempt.submitted":
        raise field_problem("type", "only attempt.submitted events are accepted")
    errors = grading.validate_event(event) + policy.validate(event)
    if errors:
        raise validation_problem(errors)
    ordered = sorted(event.responses, key=lambda r: r.position)
    started_at = grading.parse_time(event.started_at)
    submitted_at = grading.parse_time(event.submitted_at)
    async with pool.acquire() as conn, conn.transaction():
        if not await repo.insert_event(conn, event.event_id, event.attempt_id):
            return EventAck(event_id=event.event_id, status="duplicate")
        ids = await repo.item_version_ids(
            conn,
            [r.item_id for r in ordered],
            [r.item_version for r in ordered],
            [r.domain for r in ordered],
            grading.original_keys(event),
            [r.rationale for r in ordered],
        )
        form_irt = await _form_irt(conn, ids, event.blueprint_id)
        graded = grading.grade(event, form_irt)
        await repo.insert_result(
            conn,
            (
                event.attempt_id,
                event.event_id,
                event.candidate_id,
                event.candidate_group,
                event.blueprint_id,
                event.blueprint_name,
                graded.question_count,
                graded.answered_count,
                graded.raw_score,
                graded.percent,
                graded.passed,
                graded.blueprint_cut_percent,
                graded.cut_used,
                graded.cut_score_percent,
                graded.raw_cut,
                graded.scaled_score,
                graded.theta,
                graded.theta_se,
                graded.calibration_id,
                started_at,
                submitted_at,
                grading.seconds_allowed(event),
                event.submitted_by,
                [{"code": d.code, "correct": d.correct, "total": d.total} for d in graded.domains],
                np.asarray(ids, dtype="<i4").tobytes(),
                graded.choices,
                graded.keys,
                graded.orders,
                event.review_mode,
                policy.review_after(event),
                policy.low_answer(graded.answered_count, graded.question_count, event.min_answered_share),
            ),
        )
    _log.info("attempt_scored", attempt_id=event.attempt_id, cut_used=graded.cut_used, passed=graded.passed)
    return EventAck(event_id=event.event_id, status="accepted")


async def _form_irt(conn: asyncpg.Connection, ids: list[int], blueprint_id: str) -> grading.FormIrt | None:
    """The calibrated parameters of the form and the blueprint's reference form, if all exist."""
    cal = await calibrations.latest_calibration(conn, "2pl")
    if cal is None:
        return None
    params = await calibrations.form_params(conn, cal.id, ids)
    if any(i not in params for i in ids):
        return None
    ref = await calibrations.reference_form(conn, cal.id, blueprint_id)
    if ref is None or not ref.a:
        return None
    standard = await standards.standard(conn, blueprint_id)  # None only for calibrations from before standards
    ab = np.asarray([params[i] for i in ids], dtype=np.float64)
    return grading.FormIrt(
        calibration_id=cal.id,
        a=ab[:, 0],
        b=ab[:, 1],
        ref_a=np.asarray(ref.a, dtype=np.float64),
        ref_b=np.asarray(ref.b, dtype=np.float64),
        theta_cut=float(standard.theta_cut) if standard is not None else None,
    )


Ability = Callable[[int], tuple[float, float] | None]


def _no_ability(seq: int) -> None:
    return None


def _theta(row: StoredResult | ResultRow, ability: Ability) -> tuple[float | None, float | None]:
    """The ability the result was scored with, else the latest EAP estimate, else none."""
    if row.theta is not None:
        return _round(row.theta), _round(row.theta_se)
    latest = ability(row.seq)
    return latest if latest is not None else (None, None)


async def get_result(
    pool: asyncpg.Pool, attempt_id: str, who: Principal, ability: Ability = _no_ability
) -> ResultOut | None:
    """The result, or None while it is not scored (for all the caller can know: pending).

    A candidate asking for another candidate's attempt gets a 404, exactly as
    for a missing resource elsewhere; an attempt scoring has not seen yet is
    "pending" for anyone allowed to ask (see docs/scoring.md).
    """
    async with pool.acquire() as conn:
        row = await repo.get_result(conn, attempt_id)
        if row is None:
            return None
        if who.role == "candidate" and row.candidate_id != who.id:
            raise not_found("no such attempt")
        ids = np.frombuffer(row.item_ix, dtype="<i4").tolist()
        versions = await repo.item_versions_by_ids(conn, ids)
    choices = np.frombuffer(row.choices, dtype=np.int8).tolist()
    keys = np.frombuffer(row.keys, dtype=np.int8).tolist()
    identity = list(range(len(LABELS)))
    orders = (
        np.frombuffer(row.orders, dtype=np.int8).reshape(-1, 4).tolist()
        if row.orders is not None
        else [identity] * len(ids)
    )
    review = []
    review_after = row.review_after
    review_open = who.role != "candidate" or policy.review_open(
        row.review_mode, review_after, dt.datetime.now(dt.UTC)
    )
    for position, (iv, choice, key, order) in enumerate(
        zip(ids, choices, keys, orders, strict=True), start=1
    ):
        if not review_open:
            break  # keys and rationales stay with scoring: score and per-area results only
        v = versions[iv]
        review.append(
            ReviewEntry(
                position=position,
                item_id=v.item_id,
                item_version=v.version,
                domain=v.domain,
                selected=grading.shown_label(order, choice),
                key=grading.shown_label(order, key) or "",
                correct=choice == key,
                rationale=v.rationale,
                option_order=[LABELS[o] for o in order],
                selected_original=None if choice == grading.OMIT else LABELS[choice],
                key_original=LABELS[key],
            )
        )
    domains = grading.domain_results(row.domains)
    theta, theta_se = _theta(row, ability)
    diagnostic = grading.diagnose(
        domains,
        row.started_at,
        row.submitted_at,
        row.time_limit_seconds,
        row.question_count,
        row.answered_count,
        row.submitted_by,
        row.passed,
    )
    return ResultOut(
        attempt_id=row.attempt_id,
        candidate_id=row.candidate_id,
        blueprint_id=row.blueprint_id,
        blueprint_name=row.blueprint_name,
        status="scored",
        raw_score=row.raw_score,
        question_count=row.question_count,
        answered_count=row.answered_count,
        percent=row.percent,
        passed=row.passed,
        cut_score_percent=row.cut_score_percent,
        cut_used=row.cut_used,
        raw_cut=row.raw_cut,
        blueprint_cut_score_percent=row.blueprint_cut_percent,
        scaled_score=row.scaled_score,
        theta=theta,
        theta_se=theta_se,
        cut_note=grading.cut_note(
            row.cut_used, row.blueprint_cut_percent, row.cut_score_percent, row.raw_cut
        ),
        started_at=iso(row.started_at),
        submitted_at=iso(row.submitted_at),
        submitted_by=row.submitted_by,
        scored_at=iso(row.scored_at),
        domains=domains,
        diagnostic=diagnostic,
        review=review,
        review_mode=row.review_mode,
        review_available=review_open,
        review_available_at=iso(review_after) if review_after is not None else None,
        low_answer=row.low_answer,
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


async def list_results(
    pool: asyncpg.Pool,
    who: Principal,
    candidate_id: str | None,
    blueprint_id: str | None,
    cursor: str | None,
    limit: int,
    ability: Ability = _no_ability,
) -> ResultList:
    if who.role == "candidate":
        candidate_id = who.id  # a candidate lists their own results, whatever they ask for
    before = None
    if cursor:
        if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
            raise field_problem("cursor", "not a cursor this endpoint gave out")
        before = int(cursor)
    async with pool.acquire() as conn:
        rows = await repo.list_results(conn, candidate_id, blueprint_id, before, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return ResultList(
        results=[_summary(r, ability) for r in rows],
        next_cursor=str(rows[-1].seq) if more and rows else None,
    )


def _summary(r: ResultRow, ability: Ability) -> ResultSummary:
    theta, theta_se = _theta(r, ability)
    return ResultSummary(
        attempt_id=r.attempt_id,
        candidate_id=r.candidate_id,
        candidate_group=r.candidate_group,
        blueprint_id=r.blueprint_id,
        blueprint_name=r.blueprint_name,
        raw_score=r.raw_score,
        question_count=r.question_count,
        percent=r.percent,
        passed=r.passed,
        cut_used=r.cut_used,
        scaled_score=r.scaled_score,
        submitted_at=iso(r.submitted_at),
        theta=theta,
        theta_se=theta_se,
        low_answer=r.low_answer,
    )
