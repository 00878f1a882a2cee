"""Service of attempts: start (assembly), state, questions, answers, parts, submission.

Service functions take the pool and own their transactions. Guarantees, and where
they come from:
- an answer is acknowledged only after its statement committed (autocommit);
- the deadline, the status and the part are checked by the database, on its
  clock, in the statement that writes the answer (`delivery.answer_refusal`, the one
  home of "may this answer be written now?", which also says why not);
- parts (the open one, when each closes) are counted by the database too;
- submission (by the candidate or the sweeper) holds the attempt row FOR UPDATE
  and writes the `attempt.submitted` event in the same transaction (outbox); the
  save statement locks the row FOR SHARE, so no answer lands after submission.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any, Literal

import asyncpg
import msgspec
import structlog

from exam_delivery.assembly import BankShortfall, FormItem, assemble, shown_options
from exam_delivery.attempts import repository as repo
from exam_delivery.attempts.repository import Attempt, FormEntry, LockedAttempt
from exam_delivery.attempts.schemas import (
    AttemptList,
    AttemptListEntry,
    AttemptOut,
    AttemptStarted,
    ItemState,
    OptionOut,
    PartClosed,
    PartState,
    QuestionList,
    QuestionOut,
    ResponseIn,
    ResponseOut,
    SubmitOut,
)
from exam_delivery.blueprints import service as blueprints
from exam_delivery.context import Delivery
from exam_delivery.items.pool import ItemContent
from exam_delivery.items.service import Catalog, refresh_if_short
from exam_delivery.tools.schemas import Highlight, QuestionTools
from shared.contracts import LABELS, AttemptOwnership, AttemptSubmitted, SubmittedResponse, shown_label
from shared.domains import DOMAIN_BY_CODE
from shared.errors import FieldError, Problem, conflict, field_problem, not_found, uuid_or_404
from shared.times import iso_utc

_log = structlog.get_logger("mockcert.delivery.attempts")
LIST_LIMIT = 200


def parse_uuid(raw: str, what: str = "attempt") -> uuid.UUID:
    return uuid_or_404(raw, what)


def parse_position(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise not_found("no such question")
    return int(raw)


def form_json(items: list[FormItem]) -> list[dict[str, Any]]:
    return [{"item_id": i.item_id, "version": i.version, "domain": i.domain, "order": i.order} for i in items]


# ---------------------------------------------------------------- start


async def start(state: Delivery, candidate_id: str, blueprint_id: str) -> AttemptStarted:
    cid = uuid.UUID(candidate_id)
    try:
        bp = await blueprints.get(state.pool, state.blueprints, blueprint_id)
    except Problem:
        raise field_problem("blueprint_id", f"no such blueprint {blueprint_id!r}", status=422) from None
    await refresh_if_short(state.catalog, bp.domains)
    bank = state.catalog.items.bank
    target = bp.target_difficulty if bp.target_difficulty is not None else bank.target_for(bp.domains)
    shuffle = state.settings.shuffle_options if bp.shuffle_options is None else bp.shuffle_options
    attempt_id = uuid.uuid4()
    async with state.pool.acquire() as conn:
        context = await repo.start_context(conn, cid)
        if context is None:
            raise not_found("no such user")
        if context.open_id is not None:
            raise conflict(f"attempt {context.open_id} is still in progress: finish or submit it first")
        await blueprints.enforce(conn, state.settings, cid, bp.id)
        try:
            form = assemble(
                bank,
                bp.domains,
                rng=state.rng,
                seen=frozenset(context.seen),
                exposure=state.exposure,
                shuffle=shuffle,
                target_difficulty=target,
            )
        except BankShortfall as exc:
            errors = [
                FieldError(
                    "blueprint_id", f"{s.domain} needs {s.needed} approved items; the bank has {s.available}"
                )
                for s in exc.short
            ]
            raise Problem(422, "the approved bank cannot fill this blueprint now", errors=errors) from None
        # Counted before the first await: in a start storm every later assembly sees this form.
        held = state.exposure.hold(i.item_id for i in form.items)
        try:
            row = await repo.insert_attempt(
                conn,
                attempt_id,
                cid,
                bp.id,
                bp.name,
                bp.question_count,
                bp.time_limit_seconds,
                bp.cut_score_percent,
                [p.name for p in bp.parts],
                bp.part_ends(),
                bp.part_cum_seconds(),
                form_json(form.items),
            )
        except BaseException:
            state.exposure.forget(held)
            raise
        if row is None:
            state.exposure.forget(held)
        else:
            state.exposure.settle(held)
    if row is None:
        raise conflict("another attempt of yours is in progress: finish or submit it first")
    _log.info(
        "attempt_started",
        attempt_id=str(attempt_id),
        blueprint_id=bp.id,
        reused_seen=form.reused_seen,
        over_exposed=form.over_exposed,
    )
    return AttemptStarted(
        id=str(row.id),
        blueprint_id=bp.id,
        blueprint_name=bp.name,
        status="in_progress",
        started_at=iso_utc(row.started_at),
        deadline=iso_utc(row.deadline),
        seconds_remaining=row.seconds_remaining,
        question_count=bp.question_count,
        time_multiplier=row.time_multiplier,
    )


# ---------------------------------------------------------------- reading


def _parts(row: Attempt) -> tuple[list[PartState], int]:
    """The parts' states and the 0-based open part, as the database counted them."""
    if not row.part_ends:
        return [], 0
    cur = row.current_part if row.status == "in_progress" else len(row.part_ends)
    out, first = [], 1
    for j, (name, end, closes_at) in enumerate(zip(row.part_names, row.part_ends, row.part_closes, strict=True)):
        state: Literal["closed", "open", "upcoming"] = "closed" if j < cur else ("open" if j == cur else "upcoming")
        out.append(
            PartState(
                number=j + 1,
                name=name,
                first_position=first,
                last_position=end,
                closes_at=iso_utc(closes_at),
                state=state,
            )
        )
        first = end + 1
    return out, cur


async def get(pool: asyncpg.Pool, attempt_id: uuid.UUID, candidate_id: str) -> AttemptOut:
    async with pool.acquire() as conn:
        row = await repo.get_attempt(conn, attempt_id, uuid.UUID(candidate_id))
    if row is None:
        raise not_found("no such attempt")
    answered = set(row.answered)
    flagged = set(row.flagged)
    parts, cur = _parts(row)
    has_parts = bool(row.part_ends)
    open_ = row.status == "in_progress"
    items = []
    for pos, entry in enumerate(row.form, start=1):
        part = row.item_parts[pos - 1] if has_parts else 0
        items.append(
            ItemState(
                position=pos,
                domain=entry.domain,
                answered=pos in answered,
                flagged=pos in flagged,
                part=part + 1,
                locked=has_parts and open_ and part != cur,
            )
        )
    return AttemptOut(
        id=str(row.id),
        blueprint_id=row.blueprint_id,
        blueprint_name=row.blueprint_name,
        status=row.status,
        started_at=iso_utc(row.started_at),
        deadline=iso_utc(row.deadline),
        seconds_remaining=row.seconds_remaining if open_ else 0,
        question_count=row.question_count,
        answered_count=len(answered),
        flagged_count=len(flagged),
        items=items,
        time_multiplier=row.time_multiplier,
        submitted_at=iso_utc(row.submitted_at) if row.submitted_at else None,
        submitted_by=row.submitted_by,
        parts=parts,
        current_part=(cur + 1 if cur < len(row.part_ends) else 0) if has_parts else 1,
        code_book=row.code_book,
    )


async def list_own(pool: asyncpg.Pool, candidate_id: str) -> AttemptList:
    async with pool.acquire() as conn:
        rows = await repo.list_attempts(conn, uuid.UUID(candidate_id), LIST_LIMIT)
    return AttemptList(
        attempts=[
            AttemptListEntry(
                id=str(r.id),
                blueprint_id=r.blueprint_id,
                blueprint_name=r.blueprint_name,
                status=r.status,
                started_at=iso_utc(r.started_at),
                deadline=iso_utc(r.deadline),
                seconds_remaining=r.seconds_remaining if r.status == "in_progress" else 0,
                question_count=r.question_count,
                answered_count=r.answered_count,
                submitted_at=iso_utc(r.submitted_at) if r.submitted_at else None,
            )
            for r in rows
        ]
    )


def _question(
    position: int,
    entry: FormEntry,
    content: ItemContent,
    selected: str | None,
    flagged: bool,
    question_count: int,
    part: int,
    read_only: bool,
) -> QuestionOut:
    domain = entry.domain
    known = DOMAIN_BY_CODE.get(domain)
    return QuestionOut(
        position=position,
        domain=domain,
        domain_name=known.name if known else domain,
        stem=content.stem,
        options=[
            OptionOut(label=label, text=text)
            for label, text in shown_options(entry.order, content.options)
        ],
        selected=selected,
        flagged=flagged,
        question_count=question_count,
        part=part,
        read_only=read_only,
    )


async def question(
    pool: asyncpg.Pool, catalog: Catalog, attempt_id: uuid.UUID, candidate_id: str, position: int
) -> QuestionOut:
    async with pool.acquire() as conn:
        row = await repo.get_question(conn, attempt_id, uuid.UUID(candidate_id), position)
        if row is None:
            raise not_found("no such attempt")
        entry = row.entry
        if entry is None or position > row.question_count:
            raise not_found("no such question")
        key = (entry.item_id, entry.version)
        content = catalog.items.content(*key)
        if content is None:
            content = (await catalog.items.contents(conn, [key])).get(key)
    if content is None:
        raise Problem(
            503, "the question's content is not available yet; retry shortly", headers={"Retry-After": "2"}
        )
    part = row.part if row.has_parts else 0
    open_ = row.status == "in_progress"
    if open_ and row.has_parts:
        if part < row.current_part:
            raise conflict(f"part {part + 1} is closed: its questions cannot be revisited")
        if part > row.current_part:
            raise conflict(f"part {part + 1} is not open yet")
    out = _question(
        position, entry, content, row.selected, row.flagged, row.question_count, part + 1, read_only=not open_
    )
    out.tools = QuestionTools(
        struck=row.struck, highlights=[Highlight(start=s, end=e) for s, e in row.highlights], note=row.note
    )
    return out


async def all_questions(
    pool: asyncpg.Pool, catalog: Catalog, attempt_id: uuid.UUID, candidate_id: str
) -> QuestionList:
    """Every question with the candidate's answers, once the attempt is over (the result's review)."""
    async with pool.acquire() as conn:
        row = await repo.get_attempt(conn, attempt_id, uuid.UUID(candidate_id))
        if row is None:
            raise not_found("no such attempt")
        if row.status == "in_progress":
            raise conflict("the questions are listed together once the attempt is submitted")
        keys = [(e.item_id, e.version) for e in row.form]
        contents = await catalog.items.contents(conn, keys)
        responses = {r.position: r for r in await repo.all_responses(conn, attempt_id)}
    has_parts = bool(row.part_ends)
    out = []
    for pos, (entry, key) in enumerate(zip(row.form, keys, strict=True), start=1):
        content = contents.get(key)
        if content is None:
            raise Problem(
                503, "a question's content is not available yet; retry shortly", headers={"Retry-After": "2"}
            )
        r = responses.get(pos)
        out.append(
            _question(
                pos,
                entry,
                content,
                r.selected if r else None,
                bool(r and r.flagged),
                row.question_count,
                (row.item_parts[pos - 1] if has_parts else 0) + 1,
                True,
            )
        )
    return QuestionList(questions=out)


# ---------------------------------------------------------------- answers


# Why the database refused a save (`delivery.answer_refusal`), as the candidate reads it.
_REFUSALS = {
    "time_over": "time is over: answers can no longer change",
    "part_upcoming": "this question's part is not open yet",
    "part_closed": "this question's part is closed: its answers can no longer change",
}


async def save(
    pool: asyncpg.Pool, attempt_id: uuid.UUID, candidate_id: str, position: int, body: ResponseIn
) -> ResponseOut:
    set_selected = body.selected is not msgspec.UNSET
    flagged = None if body.flagged is msgspec.UNSET else body.flagged
    if not set_selected and flagged is None:
        raise field_problem("selected", f"send `selected` ({LABELS[0]}-{LABELS[-1]} or null), `flagged`, or both")
    selected = None if body.selected is msgspec.UNSET else body.selected
    cid = uuid.UUID(candidate_id)
    async with pool.acquire() as conn:
        row = await repo.save_response(conn, attempt_id, cid, position, selected, set_selected, flagged)
        if row is not None:
            return ResponseOut(
                position=row.position, selected=row.selected, flagged=row.flagged, saved_at=iso_utc(row.saved_at)
            )
        why = await repo.save_refusal(conn, attempt_id, cid, position)
    if why is None:
        raise not_found("no such attempt")
    if why.refusal == "no_question":
        raise not_found("no such question")
    if why.refusal == "closed":
        raise conflict(f"the attempt is {why.status}: answers can no longer change")
    raise conflict(_REFUSALS.get(why.refusal or "", "the answer could not be saved; retry"))


# ---------------------------------------------------------------- parts


async def close_part(pool: asyncpg.Pool, attempt_id: uuid.UUID, candidate_id: str, part: int) -> PartClosed:
    cid = uuid.UUID(candidate_id)
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.lock_attempt(conn, attempt_id, cid)
        if row is None:
            raise not_found("no such attempt")
        ends = row.part_ends
        if not ends or not 1 <= part <= len(ends):
            raise not_found("no such part")
        if row.status != "in_progress" or row.past_deadline:
            raise conflict("the attempt is over")
        cur = row.current_part
        if part - 1 < cur:
            return PartClosed(id=str(attempt_id), part=part, current_part=cur + 1)  # already closed: harmless
        if part - 1 > cur:
            raise conflict(f"part {part} is not open yet")
        if part == len(ends):
            raise conflict("the last part ends with the submission of the attempt")
        await repo.close_part(conn, attempt_id, cid, part)
    _log.info("part_closed", attempt_id=str(attempt_id), part=part)
    return PartClosed(id=str(attempt_id), part=part, current_part=part + 1)


# ---------------------------------------------------------------- submission


async def finalize(conn: asyncpg.Connection, row: LockedAttempt) -> str:
    """Close a locked, open attempt and write its event. Call inside a transaction holding FOR UPDATE.

    Past its deadline, the attempt is "expired" (submitted by the server as it
    stood at the deadline, `submitted_at` = the deadline); otherwise "submitted".
    """
    status, by = ("expired", "sweeper") if row.past_deadline else ("submitted", "candidate")
    submitted_at: dt.datetime = max(row.started_at, min(row.db_now, row.deadline))
    lines = await repo.submission_lines(conn, row.id)
    responses = []
    for line in lines:
        if line.key is None:
            raise RuntimeError(f"item version {line.item_id} v{line.version} missing from the read model")
        responses.append(
            SubmittedResponse(
                position=line.position,
                item_id=line.item_id,
                item_version=line.version,
                domain=line.domain,
                key=shown_label(line.option_order, line.key),
                selected=line.selected,
                option_order=list(line.option_order),
                flagged=line.flagged,
                rationale=line.rationale or "",
                item_key=line.key,
            )
        )
    review_mode, review_after, min_share = await blueprints.for_submission(conn, row.blueprint_id)
    event_id = uuid.uuid4()
    event = AttemptSubmitted(
        event_id=str(event_id),
        attempt_id=str(row.id),
        candidate_id=str(row.candidate_id),
        blueprint_id=row.blueprint_id,
        blueprint_name=row.blueprint_name,
        cut_score_percent=row.cut_score_percent,
        time_limit_seconds=row.time_limit_seconds,
        started_at=iso_utc(row.started_at),
        submitted_at=iso_utc(submitted_at),
        submitted_by=by,
        responses=responses,
        candidate_group=row.candidate_group,
        deadline=iso_utc(row.deadline),
        review_mode=review_mode,
        review_after=review_after,
        min_answered_share=min_share,
    )
    closed = await repo.close_attempt(conn, row.id, status, submitted_at, by, event_id, msgspec.to_builtins(event))
    if not closed:
        raise RuntimeError("attempt was not open")  # unreachable under FOR UPDATE; never write a second event
    answered = sum(1 for r in responses if r.selected is not None)
    _log.info(
        "attempt_submitted",
        attempt_id=str(row.id),
        status=status,
        by=by,
        answered=answered,
        question_count=len(responses),
    )
    return status


async def submit(
    pool: asyncpg.Pool, outbox_wake: asyncio.Event, attempt_id: uuid.UUID, candidate_id: str
) -> SubmitOut:
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.lock_attempt(conn, attempt_id, uuid.UUID(candidate_id))
        if row is None:
            raise not_found("no such attempt")
        if row.status != "in_progress":
            return SubmitOut(id=str(attempt_id), status=row.status)  # a second submit is harmless
        status = await finalize(conn, row)
    outbox_wake.set()
    return SubmitOut(id=str(attempt_id), status=status)


async def ownership(pool: asyncpg.Pool, attempt_id: uuid.UUID) -> AttemptOwnership:
    """Whose attempt it is and whether it is closed (for scoring's result lookups; service only)."""
    async with pool.acquire() as conn:
        row = await repo.attempt_ownership(conn, attempt_id)
    if row is None:
        raise not_found("no such attempt")
    return AttemptOwnership(attempt_id=str(row.id), candidate_id=str(row.candidate_id),
                            status=row.status, closed=row.closed)


async def move_deadlines(conn: asyncpg.Connection, candidate_id: uuid.UUID, multiplier: float) -> int:
    """An accommodation: the candidate's open attempts get deadline = start + limit x multiplier.

    The attempts' public function for the accounts: runs in the caller's transaction (the PATCH
    of the user)."""
    rows = await repo.move_deadlines(conn, candidate_id, multiplier)
    for r in rows:
        _log.info(
            "deadline_moved",
            attempt_id=str(r.id),
            deadline=iso_utc(r.deadline),
            time_multiplier=multiplier,
        )
    return len(rows)
