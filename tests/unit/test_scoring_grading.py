"""Scoring one attempt, the diagnostic, the pace, and the switch from the raw to the equated cut."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from scoring.results import grading
from scoring.stats import irt
from scoring.wire import iso
from shared.contracts import LABELS, AttemptSubmitted, SubmittedResponse

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def event(
    answers: list[tuple[str, str, str | None]],
    *,
    cut: float = 70.0,
    minutes: float = 60.0,
    limit_seconds: int = 4 * 3600,
    submitted_by: str = "candidate",
) -> AttemptSubmitted:
    """answers: (domain, key, selected) per position."""
    responses = [
        SubmittedResponse(
            position=i, item_id=f"item-{i}", item_version=1, domain=d, key=k, selected=s, rationale=f"why {i}"
        )
        for i, (d, k, s) in enumerate(answers, start=1)
    ]
    return AttemptSubmitted(
        event_id="e1",
        attempt_id="a1",
        candidate_id="c1",
        blueprint_id="bp",
        blueprint_name="bp",
        cut_score_percent=cut,
        time_limit_seconds=limit_seconds,
        started_at=iso(T0),
        submitted_at=iso(T0 + dt.timedelta(minutes=minutes)),
        submitted_by=submitted_by,
        responses=list(reversed(responses)),  # order on the wire must not matter
    )


def test_raw_score_percent_and_domains_in_code_book_order():
    ev = event([("ICD", "A", "A"), ("EM", "B", "B"), ("EM", "C", "D"), ("ICD", "D", None), ("EM", "A", "A")])
    g = grading.grade(ev)
    assert (g.raw_score, g.question_count, g.answered_count) == (3, 5, 4)
    assert g.percent == 60.0
    assert [(d.code, d.correct, d.total) for d in g.domains] == [("EM", 2, 3), ("ICD", 1, 2)]
    assert np.frombuffer(g.choices, dtype=np.int8).tolist() == [0, 1, 3, -1, 0]
    assert np.frombuffer(g.keys, dtype=np.int8).tolist() == [0, 1, 2, 3, 0]


@pytest.mark.parametrize(("right", "passed"), [(7, True), (6, False)])
def test_raw_cut_is_inclusive(right, passed):
    answers = [("EM", "A", "A")] * right + [("EM", "A", "B")] * (10 - right)
    g = grading.grade(event(answers, cut=70.0))
    assert g.cut_used == "raw" and g.passed is passed
    assert g.raw_cut == pytest.approx(7.0) and g.scaled_score is None and g.theta is None


def test_shuffled_options_are_scored_and_stored_as_original_options():
    ev = event([("EM", "A", "A"), ("EM", "B", "C"), ("EM", "D", None)])
    by_pos = {r.position: r for r in ev.responses}
    # Shown A..D were the original options C, A, D, B (position 1) and B, D, A, C (position 2).
    by_pos[1].option_order = ["C", "A", "D", "B"]
    by_pos[2].option_order = ["B", "D", "A", "C"]
    choices, keys, orders = grading.encode_choices(ev)
    assert [LABELS[k] for k in keys.tolist()] == ["C", "D", "D"]  # shown key A -> C; shown B -> D
    assert choices.tolist() == [2, 0, -1]  # shown A -> C (right); shown C -> A (wrong); omitted
    assert grading.original_keys(ev) == ["C", "D", "D"]
    assert orders.tolist()[2] == [0, 1, 2, 3]  # unshuffled
    assert grading.shown_label(orders.tolist()[1], int(choices[1])) == "C"
    g = grading.grade(ev)
    assert g.raw_score == 1
    bad = event([("EM", "A", "A")])
    bad.responses[0].option_order = ["A", "A", "B", "C"]
    assert [e.field for e in grading.validate_event(bad)] == ["responses[0].option_order"]


def test_validation_names_the_field():
    ev = event([("EM", "A", "E"), ("EM", "Z", None)])
    ev.responses[0].position = 5
    fields = {e.field for e in grading.validate_event(ev)}
    assert "responses" in fields  # positions are not 1..n
    assert any(f.endswith(".selected") for f in fields) and any(f.endswith(".key") for f in fields)
    bad_time = event([("EM", "A", "A")])
    bad_time.started_at = "yesterday"
    assert [e.field for e in grading.validate_event(bad_time)] == ["started_at"]


def test_diagnostic_marks_weak_domains_and_orders_focus_by_points_lost():
    answers = (
        [("EM", "A", "A")] * 8
        + [("EM", "A", "B")] * 2  # 80 %
        + [("ICD", "A", "A")] * 3
        + [("ICD", "A", "B")] * 7  # 30 %: 7 lost
        + [("ANES", "A", "A")] * 1
        + [("ANES", "A", "C")] * 2
        + [("ANES", "A", None)]
    )  # 25 %: 3 lost
    ev = event(answers)
    g = grading.grade(ev)
    domains = grading.domain_results(
        [{"code": d.code, "correct": d.correct, "total": d.total} for d in g.domains]
    )
    assert [(d.code, d.below_target) for d in domains] == [("EM", False), ("ANES", True), ("ICD", True)]
    assert domains[0].name == "Evaluation and Management"
    diag = grading.diagnose(
        domains,
        T0,
        T0 + dt.timedelta(minutes=60),
        4 * 3600,
        g.question_count,
        g.answered_count,
        "candidate",
        g.passed,
    )
    assert diag.weak_domains == ["ANES", "ICD"]
    assert [f.code for f in diag.focus] == ["ICD", "ANES", "UNANSWERED"]
    assert diag.focus[0].points_lost == 7 and diag.focus[-1].points_lost == 1
    # Said as people say it: "7 points", "1 question", never "point(s)".
    assert diag.focus[0].reason == "3 of 10 correct (30 %): 7 points lost, target 70 %"
    assert diag.focus[-1].reason.startswith("1 question left blank: ")
    assert not any("(s)" in f.reason for f in diag.focus)
    timed_out = grading.pace(T0, T0 + dt.timedelta(hours=4), 4 * 3600, 10, 9, "sweeper", False)
    assert timed_out.message.startswith("Time ran out with 1 question unanswered."), timed_out.message


def test_pace_against_minutes_per_question():
    start = T0
    # 100 questions in 4 hours = 2.4 minutes each.
    on_pace = grading.pace(start, start + dt.timedelta(hours=3), 4 * 3600, 100, 100, "candidate", passed=True)
    assert on_pace.verdict == "on_pace"
    assert on_pace.seconds_per_question_allowed == 144.0 and on_pace.seconds_per_question_used == 108.0
    assert on_pace.share_of_time_used == 0.75
    rushed = grading.pace(start, start + dt.timedelta(hours=1), 4 * 3600, 100, 100, "candidate", passed=False)
    assert rushed.verdict == "rushed"
    # Quick and passing is not "rushed": nothing to correct.
    assert (
        grading.pace(start, start + dt.timedelta(hours=1), 4 * 3600, 100, 100, "candidate", True).verdict
        == "on_pace"
    )
    out = grading.pace(start, start + dt.timedelta(hours=4), 4 * 3600, 100, 90, "sweeper", passed=False)
    assert out.verdict == "timed_out" and out.unanswered == 10 and "10 question" in out.message


def _irt_form(k: int, rng: np.random.Generator, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    return rng.lognormal(0.0, 0.25, k), rng.normal(shift, 1.0, k)


def test_report_switches_from_raw_cut_to_equated_cut_once_calibrated():
    rng = np.random.default_rng(5)
    k = 40
    ref_a, ref_b = _irt_form(200, rng)
    a, b = _irt_form(k, rng, shift=0.6)  # a harder form than the reference
    answers = [("EM", "A", "A")] * 26 + [("EM", "A", "B")] * (k - 26)  # 65 %: fails the raw 70 % cut
    ev = event(answers)

    before = grading.grade(ev)
    assert before.cut_used == "raw" and not before.passed and before.scaled_score is None

    form_irt = grading.FormIrt(calibration_id=9, a=a, b=b, ref_a=ref_a, ref_b=ref_b)
    after = grading.grade(ev, form_irt)
    theta_c = irt.equated_theta_cut(ref_a, ref_b, 0.70)
    expected_cut = float(irt.prob([theta_c], a, b)[0].sum())
    assert after.cut_used == "equated" and after.calibration_id == 9
    assert after.raw_cut == pytest.approx(expected_cut, abs=1e-3)
    assert after.raw_cut < 0.70 * k  # the harder form gets the lower raw cut
    assert after.passed is (26 >= expected_cut)
    assert after.cut_score_percent == pytest.approx(100 * expected_cut / k, abs=0.01)
    # The scaled score reads the same way as the decision.
    assert (after.scaled_score >= 200) is after.passed
    assert 100 <= after.scaled_score <= 300
    assert after.theta is not None and 0 < after.theta_se < 1
    assert after.raw_score == before.raw_score and after.domains == before.domains


def test_a_stored_standard_is_the_cut_whatever_the_reference_form():
    rng = np.random.default_rng(16)
    ref_a, ref_b = _irt_form(150, rng)
    harder_ref_b = ref_b + 1.5  # a reference form grown with harder items: would move a derived cut
    a, b = _irt_form(40, rng)
    correct = np.arange(40) < 27
    standard = 0.4
    for rb in (ref_b, harder_ref_b):
        eq = grading.equate(correct, a, b, ref_a, rb, 70.0, theta_cut=standard)
        assert eq.theta_cut == standard
        assert eq.raw_cut == pytest.approx(float(irt.tcc([standard], a, b)[0]))
    derived = grading.equate(correct, a, b, ref_a, harder_ref_b, 70.0)
    assert derived.theta_cut == pytest.approx(irt.equated_theta_cut(ref_a, harder_ref_b, 0.7))
    ev = event([("EM", "A", "A")] * 27 + [("EM", "A", "B")] * 13)
    graded = grading.grade(ev, grading.FormIrt(1, a, b, ref_a, harder_ref_b, theta_cut=standard))
    assert graded.raw_cut == pytest.approx(float(irt.tcc([standard], a, b)[0]), abs=1e-4)


def test_equated_decision_and_scale_agree_at_every_raw_score():
    rng = np.random.default_rng(11)
    ref_a, ref_b = _irt_form(150, rng)
    a, b = _irt_form(30, rng, shift=-0.4)
    theta_c = irt.equated_theta_cut(ref_a, ref_b, 0.7)
    cut = float(irt.tcc([theta_c], a, b)[0])
    scaled = []
    for raw in range(31):
        correct = np.arange(30) < raw
        eq = grading.equate(correct, a, b, ref_a, ref_b, 70.0)
        assert eq.passed is (raw >= cut - 1e-9)
        assert (eq.scaled_score >= 200) is eq.passed
        scaled.append(eq.scaled_score)
    assert scaled == sorted(scaled)  # more points never lower the scaled score
    assert scaled[0] == 100 and scaled[-1] == 300


def test_cut_note_says_which_cut_was_used():
    assert "raw cut of 70 %" in grading.cut_note("raw", 70.0, 70.0, 105.0)
    assert "equated cut" in grading.cut_note("equated", 70.0, 68.2, 102.3)


def test_the_items_own_key_is_graded_and_checked_against_the_shown_key():
    ev = event([("EM", "A", "A"), ("EM", "B", "C")])
    by_pos = {r.position: r for r in ev.responses}
    by_pos[1].option_order = ["C", "A", "D", "B"]
    by_pos[2].option_order = ["B", "D", "A", "C"]
    by_pos[1].item_key, by_pos[2].item_key = "C", "D"  # what delivery sends: the item's own key
    assert grading.validate_event(ev) == []
    assert grading.original_keys(ev) == ["C", "D"]
    # The item's key is what is graded on, not the shown key mapped back: keep them consistent or refuse.
    second = f"responses[{ev.responses.index(by_pos[2])}].item_key"
    by_pos[2].item_key = "A"
    assert [e.field for e in grading.validate_event(ev)] == [second]
    by_pos[2].item_key = "Q"
    assert [e.field for e in grading.validate_event(ev)] == [second]


def test_time_allowed_is_the_candidates_own_with_their_accommodation():
    ev = event([("EM", "A", "A")])
    ev.time_limit_seconds = 4 * 3600
    assert grading.seconds_allowed(ev) == 4 * 3600  # an older event: the blueprint's limit
    ev.deadline = (grading.parse_time(ev.started_at) + dt.timedelta(hours=6)).isoformat()
    assert grading.seconds_allowed(ev) == 6 * 3600  # 4 h x 1.5
    assert grading.validate_event(ev) == []
    ev.deadline = ev.started_at
    assert [e.field for e in grading.validate_event(ev)] == ["deadline"]
    ev.deadline = "tomorrow"
    assert [e.field for e in grading.validate_event(ev)] == ["deadline"]


def test_durations_read_as_people_say_them():
    assert [grading.duration(s) for s in (0, 45, 60, 450, 3600, 11880)] == [
        "0 s", "45 s", "1 min", "7 min 30 s", "1 h", "3 h 18 min"]


def test_pace_messages_read_right_in_every_case():
    start, limit = T0, 2 * 3600
    cases = {
        "nothing answered, submitted at once": grading.pace(start, start + dt.timedelta(seconds=5), limit, 10, 0,
                                                            "candidate", False),
        "nothing answered, time out": grading.pace(start, start + dt.timedelta(hours=2), limit, 10, 0,
                                                   "sweeper", False),
        "all answered, time out": grading.pace(start, start + dt.timedelta(hours=2), limit, 10, 10, "sweeper", True),
        "quick and failing": grading.pace(start, start + dt.timedelta(minutes=10), limit, 10, 10, "candidate", False),
        "on pace": grading.pace(start, start + dt.timedelta(minutes=90), limit, 10, 10, "candidate", True),
    }
    for case, p in cases.items():
        assert "0.0" not in p.message and "100 %" not in p.message, (case, p.message)
    assert "without answering any question" in cases["nothing answered, submitted at once"].message
    assert "no question answered" in cases["nothing answered, time out"].message
    assert "answered every question" in cases["all answered, time out"].message
    assert "1 min a question answered against 12 min allowed" in cases["quick and failing"].message
    assert cases["on pace"].message == "You used 1 h 30 min of 2 h, about 9 min a question against 12 min allowed."
