"""Blueprint rules and the outbox's retry delays, without a database (server-owned time is
the database's: tests/integration/test_delivery_time_rules.py)."""

from __future__ import annotations

import msgspec
import pytest

from exam_delivery.attempts.outbox import MAX_BACKOFF_SECONDS, retry_delay
from exam_delivery.attempts.schemas import ResponseIn
from exam_delivery.blueprints.rules import BUILTIN, check
from exam_delivery.blueprints.schemas import BlueprintIn


def blueprint(**fields) -> BlueprintIn:  # type: ignore[no-untyped-def]
    base = {
        "name": "Drill",
        "time_limit_seconds": 600,
        "cut_score_percent": 70,
        "domains": [{"code": "ICD", "count": 4}, {"code": "EM", "count": 2}],
    }
    return msgspec.convert(base | fields, BlueprintIn)


# A literal copy of the table in ../shared/domain/CPC.md (code: classic 150, current 100),
# in the table's order: the built-in blueprints are checked against it, not against
# shared.domains, which they are built from.
CPC_MD_TABLE = {
    "CPT-10000": (10, 6),
    "CPT-20000": (10, 6),
    "CPT-30000": (10, 6),
    "CPT-40000": (10, 6),
    "CPT-50000": (10, 6),
    "CPT-60000": (10, 6),
    "EM": (10, 6),
    "ANES": (8, 4),
    "RAD": (8, 6),
    "PATH": (8, 6),
    "MED": (8, 6),
    "TERM": (8, 4),
    "ANAT": (8, 4),
    "ICD": (10, 10),
    "HCPCS": (8, 4),
    "GUIDE": (8, 7),
    "COMP": (6, 7),
}
# The order forms present the areas in: CPT as the code book prints it (E/M, Anesthesia,
# the surgery series, Radiology, Pathology, Medicine), then the general areas.
CODEBOOK_ORDER = [
    "EM", "ANES", "CPT-10000", "CPT-20000", "CPT-30000", "CPT-40000", "CPT-50000", "CPT-60000",
    "RAD", "PATH", "MED", "TERM", "ANAT", "ICD", "HCPCS", "GUIDE", "COMP",
]


@pytest.mark.parametrize(("column", "count"), [(0, 150), (1, 100)])
def test_an_admin_blueprint_of_the_cpcmd_table_is_counted_and_put_in_codebook_order(column, count):
    # Given in another order than the code book's, with CPC.md's total as the declared count.
    domains = [{"code": c, "count": CPC_MD_TABLE[c][column]} for c in sorted(CPC_MD_TABLE, reverse=True)]
    bp, errors = check(blueprint(domains=domains, question_count=count))
    assert not errors and bp is not None
    assert bp.question_count == count
    assert [c for c, _ in bp.domains] == CODEBOOK_ORDER
    assert dict(bp.domains) == {code: counts[column] for code, counts in CPC_MD_TABLE.items()}
    # A declared total the areas do not add up to is refused, naming the field.
    _, errors = check(blueprint(domains=domains, question_count=count + 1))
    assert [e.field for e in errors] == ["question_count"]


def test_the_current_builtin_has_aapcs_72_published_questions():
    # CPC.md: AAPC publishes 72 of the current exam's 100 (each surgery series 6, E/M 6, ...).
    published = [f"CPT-{n}0000" for n in range(1, 7)] + ["EM", "ANES", "RAD", "PATH", "MED", "TERM", "ANAT"]
    domains = dict({b.id: b for b in BUILTIN}["cpc-100"].domains)
    assert sum(domains[c] for c in published) == 72
    assert sum(domains.values()) - 72 == 28  # the split CPC.md assumes for the rest


@pytest.mark.parametrize(
    ("blueprint_id", "column", "count", "minutes"), [("cpc-150", 0, 150, 340), ("cpc-100", 1, 100, 240)]
)
def test_builtin_blueprints_follow_the_exam(blueprint_id, column, count, minutes):
    bp = {b.id: b for b in BUILTIN}[blueprint_id]
    assert bp.question_count == count and bp.time_limit_seconds == minutes * 60
    assert bp.cut_score_percent == 70 and bp.builtin and not bp.parts
    assert dict(bp.domains) == {code: counts[column] for code, counts in CPC_MD_TABLE.items()}
    assert [c for c, _ in bp.domains] == CODEBOOK_ORDER


def test_domains_are_put_in_codebook_order_and_counted():
    bp, errors = check(blueprint())
    assert not errors and bp is not None
    assert bp.domains == (("EM", 2), ("ICD", 4))
    assert bp.question_count == 6
    assert bp.id.startswith("drill-")


def test_blueprint_errors_name_the_field():
    _, errors = check(
        blueprint(
            domains=[{"code": "NOPE", "count": 1}, {"code": "EM", "count": 1}, {"code": "EM", "count": 2}],
            question_count=9,
        )
    )
    fields = {e.field for e in errors}
    assert fields == {"domains[0].code", "domains[2].code", "question_count"}


def test_parts_must_add_up():
    ok, errors = check(
        blueprint(
            parts=[
                {"name": "Part 1", "question_count": 3, "time_limit_seconds": 300},
                {"name": "Part 2", "question_count": 3, "time_limit_seconds": 300},
            ]
        )
    )
    assert not errors and ok is not None
    assert ok.part_ends() == [3, 6] and ok.part_cum_seconds() == [300, 600]
    _, errors = check(
        blueprint(
            parts=[
                {"name": "Part 1", "question_count": 2, "time_limit_seconds": 300},
                {"name": "Part 2", "question_count": 3, "time_limit_seconds": 200},
            ]
        )
    )
    assert [e.field for e in errors] == ["parts", "parts"]
    _, errors = check(blueprint(parts=[{"name": "Only", "question_count": 6, "time_limit_seconds": 600}]))
    assert [e.field for e in errors] == ["parts"]


def test_response_body_distinguishes_null_from_absent():
    dec = msgspec.json.Decoder(ResponseIn)
    assert dec.decode(b'{"selected": null}').selected is None
    assert dec.decode(b'{"flagged": true}').selected is msgspec.UNSET
    try:
        dec.decode(b'{"selected": "E"}')
    except msgspec.ValidationError as exc:
        assert "selected" in str(exc)
    else:
        raise AssertionError("E accepted")


def test_outbox_retries_back_off_exponentially_capped_with_jitter():
    assert 0.8 <= retry_delay(1, 1.0) <= 1.2
    assert 6.4 <= retry_delay(4, 1.0) <= 9.6
    assert MAX_BACKOFF_SECONDS * 0.8 <= retry_delay(50, 1.0) <= MAX_BACKOFF_SECONDS * 1.2
    assert len({retry_delay(3, 1.0) for _ in range(20)}) > 1  # replicas failing together do not retry together


def test_an_id_that_is_no_uuid_names_nothing():
    from shared.errors import Problem, uuid_or_404

    raw = "0b7e4a5c-3f1e-4a39-9d1c-2f1f4c7a9b10"
    assert uuid_or_404(raw, "item") == uuid_or_404(raw.upper().replace("-", ""), "item")
    for bad in ("", "nope", raw[:-1], raw + "0", "../etc"):
        with pytest.raises(Problem) as refused:
            uuid_or_404(bad, "attempt")
        assert (refused.value.status, refused.value.detail) == (404, "no such attempt")
