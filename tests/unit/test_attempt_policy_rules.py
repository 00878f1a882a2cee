"""The attempt policy's pure rules: delivery's judgement of a start, scoring's review and
low-answer rules, and low-answer attempts left out of the statistics' snapshot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from exam_delivery.blueprints import policy as delivery_policy
from exam_delivery.blueprints.schemas import AttemptPolicyIn
from scoring.analysis import schemas as s
from scoring.analysis.frame import Dense, Frame, ItemMeta, append_rows
from scoring.analysis.snapshot import compute_snapshot
from scoring.results import policy as scoring_policy
from shared.contracts import AttemptSubmitted, SubmittedResponse
from shared.settings import Settings

T0 = dt.datetime(2026, 12, 1, 9, 0, 0, tzinfo=dt.UTC)


def rules(**kw: object) -> delivery_policy.Policy:
    base: dict[str, object] = dict(
        max_attempts=None, cooldown_seconds=3600, review_mode="immediate", review_after=None,
        min_answered_share=0.5,
    )
    base.update(kw)
    return delivery_policy.Policy(**base)  # type: ignore[arg-type]


def test_first_attempt_is_always_allowed() -> None:
    assert delivery_policy.judge(rules(max_attempts=1), 0, None, T0).can_start


def test_max_attempts() -> None:
    v = delivery_policy.judge(rules(max_attempts=3, cooldown_seconds=0), 3, T0, T0 + dt.timedelta(days=9))
    assert not v.can_start and v.status == 409 and "all 3 attempts" in v.reason
    assert delivery_policy.judge(rules(max_attempts=3, cooldown_seconds=0), 2, T0, T0).can_start


def test_cooldown_from_the_end_of_the_last_attempt() -> None:
    end = T0 + dt.timedelta(microseconds=400_000)
    v = delivery_policy.judge(rules(), 1, end, T0 + dt.timedelta(minutes=10))
    assert not v.can_start and v.status == 429
    assert v.next_at == T0 + dt.timedelta(hours=1, seconds=1)  # rounded up to the second shown
    assert v.retry_after == 50 * 60 + 1
    assert "1 hour after your last attempt" in v.reason and "2026-12-01T10:00:01Z" in v.reason
    assert delivery_policy.judge(rules(), 1, end, T0 + dt.timedelta(hours=1, seconds=1)).can_start
    assert delivery_policy.judge(rules(cooldown_seconds=0), 5, end, end).can_start


def test_the_default_policy_is_the_settings() -> None:
    p = delivery_policy.default_policy(Settings())
    assert p.default and p.cooldown_seconds == 3600 and p.max_attempts is None
    assert p.review_mode == "immediate" and p.min_answered_share == 0.5


def test_check_fills_defaults_and_names_fields() -> None:
    settings = Settings(attempt_cooldown_seconds=120)
    p, errors = delivery_policy.check(AttemptPolicyIn(), settings)
    assert p is not None and not errors and p.cooldown_seconds == 120
    p, errors = delivery_policy.check(AttemptPolicyIn(review_mode="after_date"), settings, "policy.")
    assert p is None and [e.field for e in errors] == ["policy.review_after"]
    p, errors = delivery_policy.check(
        AttemptPolicyIn(review_mode="after_date", review_after="2027-01-15"), settings
    )
    assert p is not None and p.review_after == dt.datetime(2027, 1, 15, tzinfo=dt.UTC)


def event(**kw: object) -> AttemptSubmitted:
    base: dict[str, object] = dict(
        event_id="e", attempt_id="a", candidate_id="c", blueprint_id="b", blueprint_name="B",
        cut_score_percent=70.0, time_limit_seconds=60, started_at="2026-12-01T09:00:00Z",
        submitted_at="2026-12-01T09:01:00Z", submitted_by="candidate",
        responses=[SubmittedResponse(position=1, item_id="i", item_version=1, domain="MED", key="A", selected="A")],
    )
    base.update(kw)
    return AttemptSubmitted(**base)  # type: ignore[arg-type]


def test_scoring_reads_the_review_policy() -> None:
    assert scoring_policy.validate(event()) == []
    assert [e.field for e in scoring_policy.validate(event(review_mode="later"))] == ["review_mode"]
    assert [e.field for e in scoring_policy.validate(event(review_mode="after_date"))] == ["review_after"]
    assert [e.field for e in scoring_policy.validate(event(min_answered_share=2.0))] == ["min_answered_share"]
    after = scoring_policy.review_after(event(review_mode="after_date", review_after="2026-12-02T00:00:00Z"))
    assert after == dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    assert scoring_policy.review_open("immediate", None, T0)
    assert not scoring_policy.review_open("never", None, T0)
    assert not scoring_policy.review_open("after_date", after, T0)
    assert scoring_policy.review_open("after_date", after, after)


@pytest.mark.parametrize(
    ("answered", "k", "share", "low"),
    [(0, 100, None, True), (49, 100, None, True), (50, 100, None, False), (1, 4, 0.2, False), (0, 4, 0.0, False)],
)
def test_low_answer(answered: int, k: int, share: float | None, low: bool) -> None:
    assert scoring_policy.low_answer(answered, k, share) is low


def test_snapshot_leaves_low_answer_attempts_out_unless_asked() -> None:
    meta = ItemMeta.from_rows([{"id": i + 1, "item_id": f"i{i}", "version": 1, "domain": "MED", "key": "A"}
                               for i in range(4)])
    rng = np.random.default_rng(3)
    rows = []
    for n in range(40):
        low = n % 4 == 0
        choices = np.full(4, -1, np.int8) if low else rng.integers(0, 4, 4).astype(np.int8)
        rows.append({
            "seq": n + 1, "blueprint_id": "bp", "blueprint_name": "BP", "candidate_group": "",
            "submitted": 1.8e9 + n, "passed": bool(n % 2), "raw_score": int((choices == 0).sum()),
            "question_count": 4, "cut_used": "raw", "blueprint_cut_percent": 70.0,
            "item_ix": np.arange(1, 5, dtype="<i4").tobytes(), "choices": choices.tobytes(), "low_answer": low,
        })
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, meta)
    theta = np.full(frame.n, np.nan)
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    default = compute_snapshot(1, now, frame, meta, dense, None, theta, theta)
    everything = compute_snapshot(1, now, frame, meta, dense, None, theta, theta, include_low=True)
    assert default.blueprints.blueprints[0].attempts == 30
    assert everything.blueprints.blueprints[0].attempts == 40
    assert {it.n for it in default.items["bp"]} == {30} and {it.n for it in everything.items["bp"]} == {40}
    q = s.PassRateQuery()
    assert default.pass_rates(q, None, None).overall.attempts == 30
    assert default.pass_rates(q, None, None).low_answer_excluded == 10
    q = s.PassRateQuery(include_low_answer=True)
    assert default.pass_rates(q, None, None).overall.attempts == 40
