"""Rules of blueprints, pure (no I/O): the two built-in CPC formats, what a blueprint an
admin defines must meet, and its shape on the wire.

A blueprint is immutable once created (attempts copy what they need of it), so
each replica caches them by id for good (blueprints/service.py).
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass

from exam_delivery.assembly import Bank
from exam_delivery.blueprints.schemas import BlueprintDomain, BlueprintIn, BlueprintOut, BlueprintPart
from shared.domains import DOMAIN_BY_CODE, DOMAIN_ORDER, DOMAINS
from shared.errors import FieldError


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    question_count: int
    time_limit_seconds: int


@dataclass(frozen=True, slots=True)
class Blueprint:
    id: str
    name: str
    question_count: int
    time_limit_seconds: int
    cut_score_percent: float
    domains: tuple[tuple[str, int], ...]  # code-book order
    parts: tuple[Part, ...] = ()
    shuffle_options: bool | None = None
    target_difficulty: float | None = None
    builtin: bool = False
    created_at: str = ""
    code_book: bool = True  # the exam screen offers the open code book

    def part_ends(self) -> list[int]:
        """Last position of each part."""
        ends, at = [], 0
        for p in self.parts:
            at += p.question_count
            ends.append(at)
        return ends

    def part_cum_seconds(self) -> list[int]:
        """Time limit (before the multiplier) at the end of each part, from the start."""
        out, at = [], 0
        for p in self.parts:
            at += p.time_limit_seconds
            out.append(at)
        return out


BUILTIN: tuple[Blueprint, ...] = (
    Blueprint(
        id="cpc-150",
        name="CPC-style 150 (classic format)",
        question_count=150,
        time_limit_seconds=340 * 60,
        cut_score_percent=70.0,
        domains=tuple((d.code, d.classic_count) for d in DOMAINS),
        builtin=True,
    ),
    Blueprint(
        id="cpc-100",
        name="CPC-style 100 (current format)",
        question_count=100,
        time_limit_seconds=240 * 60,
        cut_score_percent=70.0,
        domains=tuple((d.code, d.current_count) for d in DOMAINS),
        builtin=True,
    ),
)



def to_out(bp: Blueprint, bank: Bank) -> BlueprintOut:
    return BlueprintOut(
        id=bp.id,
        name=bp.name,
        question_count=bp.question_count,
        time_limit_seconds=bp.time_limit_seconds,
        cut_score_percent=bp.cut_score_percent,
        domains=[BlueprintDomain(code=c, count=n) for c, n in bp.domains],
        parts=[
            BlueprintPart(
                name=p.name, question_count=p.question_count, time_limit_seconds=p.time_limit_seconds
            )
            for p in bp.parts
        ],
        builtin=bp.builtin,
        available=not bank.shortfall(bp.domains),
        shuffle_options=bp.shuffle_options,
        target_difficulty=bp.target_difficulty,
        created_at=bp.created_at,
        code_book=bp.code_book,
    )


def check(body: BlueprintIn) -> tuple[Blueprint | None, list[FieldError]]:
    """The rules a blueprint must meet on its own (the bank is checked separately). Pure."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, d in enumerate(body.domains):
        if d.code not in DOMAIN_BY_CODE:
            errors.append(
                FieldError(f"domains[{i}].code", f"unknown domain {d.code!r}; see GET /api/domains")
            )
        elif d.code in seen:
            errors.append(FieldError(f"domains[{i}].code", f"domain {d.code} is listed twice"))
        seen.add(d.code)
    total = sum(d.count for d in body.domains)
    if body.question_count is not None and body.question_count != total:
        errors.append(
            FieldError("question_count", f"is {body.question_count} but the domain counts sum to {total}")
        )
    if body.parts:
        if len(body.parts) < 2:
            errors.append(FieldError("parts", "give at least two parts, or none"))
        part_q = sum(p.question_count for p in body.parts)
        part_t = sum(p.time_limit_seconds for p in body.parts)
        if part_q != total:
            errors.append(
                FieldError("parts", f"the parts hold {part_q} questions but the blueprint has {total}")
            )
        if part_t != body.time_limit_seconds:
            errors.append(
                FieldError(
                    "parts",
                    f"the parts' time limits sum to {part_t} s "
                    f"but time_limit_seconds is {body.time_limit_seconds}",
                )
            )
    if errors:
        return None, errors
    domains = tuple(sorted(((d.code, d.count) for d in body.domains), key=lambda cd: DOMAIN_ORDER[cd[0]]))
    blueprint = Blueprint(
        id=body.id or _slug(body.name),
        name=body.name.strip(),
        question_count=total,
        time_limit_seconds=body.time_limit_seconds,
        cut_score_percent=float(body.cut_score_percent),
        domains=domains,
        parts=tuple(Part(p.name, p.question_count, p.time_limit_seconds) for p in body.parts),
        shuffle_options=body.shuffle_options,
        target_difficulty=body.target_difficulty,
        code_book=body.code_book,
    )
    return blueprint, []


def _slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "blueprint"
    return f"{base}-{secrets.token_hex(3)}"


def shortfall_errors(bp: Blueprint, bank: Bank, field_prefix: str = "domains") -> list[FieldError]:
    index = {code: i for i, (code, _) in enumerate(bp.domains)}
    return [
        FieldError(
            f"{field_prefix}[{index[s.domain]}].count",
            f"{s.domain} needs {s.needed} approved items; the bank has {s.available}",
        )
        for s in bank.shortfall(bp.domains)
    ]


def insert_args(bp: Blueprint, created_by: uuid.UUID | None) -> tuple[object, ...]:
    return (
        bp.id,
        bp.name,
        bp.question_count,
        bp.time_limit_seconds,
        bp.cut_score_percent,
        [{"code": c, "count": n} for c, n in bp.domains],
        [
            {"name": p.name, "question_count": p.question_count, "time_limit_seconds": p.time_limit_seconds}
            for p in bp.parts
        ],
        bp.shuffle_options,
        bp.target_difficulty,
        bp.builtin,
        created_by,
        bp.code_book,
    )
