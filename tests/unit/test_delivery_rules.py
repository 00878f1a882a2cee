"""Blueprint rules and server-owned time, without a database."""

from __future__ import annotations

import datetime as dt

import msgspec
from exam_delivery import timing
from exam_delivery.blueprints import BUILTIN, check
from exam_delivery.outbox import MAX_BACKOFF_SECONDS, backoff
from exam_delivery.schemas import BlueprintIn, ResponseIn

from shared.domains import DOMAINS

T0 = dt.datetime(2026, 11, 22, 10, 0, 0, tzinfo=dt.UTC)


def blueprint(**fields) -> BlueprintIn:  # type: ignore[no-untyped-def]
    base = {
        "name": "Drill",
        "time_limit_seconds": 600,
        "cut_score_percent": 70,
        "domains": [{"code": "ICD", "count": 4}, {"code": "EM", "count": 2}],
    }
    return msgspec.convert(base | fields, BlueprintIn)


def test_builtin_blueprints_follow_the_exam():
    by_id = {b.id: b for b in BUILTIN}
    assert by_id["cpc-150"].question_count == 150 and by_id["cpc-150"].time_limit_seconds == 340 * 60
    assert by_id["cpc-100"].question_count == 100 and by_id["cpc-100"].time_limit_seconds == 240 * 60
    for bp in BUILTIN:
        assert bp.cut_score_percent == 70
        assert sum(n for _, n in bp.domains) == bp.question_count
        assert [c for c, _ in bp.domains] == [d.code for d in DOMAINS]


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


def test_deadline_is_whole_seconds_rounded_up():
    assert timing.deadline_for(T0, 3, 1.5) == T0 + dt.timedelta(seconds=5)
    assert timing.deadline_for(T0, 340 * 60, 1.0) == T0 + dt.timedelta(hours=5, minutes=40)
    assert timing.seconds_left(T0 + dt.timedelta(seconds=10), T0 + dt.timedelta(seconds=2.5)) == 7
    assert timing.seconds_left(T0, T0 + dt.timedelta(seconds=1)) == 0
    assert timing.iso(T0) == "2026-11-22T10:00:00Z"


def test_parts_open_one_after_another():
    ends, cum = [50, 100], [3600, 7200]
    assert [timing.part_of(ends, p) for p in (1, 50, 51, 100)] == [0, 0, 1, 1]
    at = T0 + dt.timedelta(minutes=30)
    assert timing.current_part(T0, 1.0, cum, 0, at) == 0
    assert timing.current_part(T0, 1.0, cum, 1, at) == 1  # closed by the candidate
    assert timing.current_part(T0, 1.0, cum, 0, T0 + dt.timedelta(hours=1)) == 1  # time over
    assert timing.current_part(T0, 1.5, cum, 0, T0 + dt.timedelta(hours=1)) == 0  # accommodation
    assert timing.current_part(T0, 1.0, cum, 0, T0 + dt.timedelta(hours=2)) == 2


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


def test_backoff_grows_and_is_capped():
    assert 0.8 <= backoff(1, 1.0) <= 1.2
    assert 6.4 <= backoff(4, 1.0) <= 9.6
    assert backoff(50, 1.0) <= MAX_BACKOFF_SECONDS * 1.2
