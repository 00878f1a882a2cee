"""Version diffs and page cursors, without a database."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from item_bank.items import cursors
from item_bank.items.diff import diff_versions, word_diff
from shared.errors import Problem


def version(**overrides):
    base = {
        "domain": "ICD",
        "stem": "Code the right femur fracture, initial encounter.",
        "options": [{"label": lbl, "text": f"text {lbl}"} for lbl in "ABCD"],
        "key": "A",
        "rationale": "Because.",
        "tags": ["a"],
        "code_set_year": 2026,
        "references": [],
    }
    base.update(overrides)
    return base


def test_word_diff_reads_left_to_right():
    segs = word_diff("the right femur", "the left femur")
    assert [(s.op, s.text) for s in segs] == [
        ("equal", "the "),
        ("delete", "right"),
        ("insert", "left"),
        ("equal", " femur"),
    ]
    joined_before = "".join(s.text for s in segs if s.op != "insert")
    joined_after = "".join(s.text for s in segs if s.op != "delete")
    assert (joined_before, joined_after) == ("the right femur", "the left femur")


def test_only_changed_fields_in_reading_order():
    after = version(
        stem="Code the left femur fracture, initial encounter.",
        key="B",
        tags=["a", "b"],
        options=[{"label": lbl, "text": "other D" if lbl == "D" else f"text {lbl}"} for lbl in "ABCD"],
    )
    changes = diff_versions(version(), after)
    assert [c.field for c in changes] == ["stem", "option D", "key", "tags"]
    assert changes[3].before == "a" and changes[3].after == "a, b"
    assert diff_versions(version(), version()) == []


def test_time_cursor_round_trips_to_the_microsecond():
    at = dt.datetime(2026, 11, 22, 10, 15, 0, 123456, tzinfo=dt.UTC)
    item_id = uuid.uuid4()
    token = cursors.encode_time_id(at, item_id)
    assert "=" not in token
    assert cursors.decode_time_id(token) == (at, item_id)


def test_int_cursor_round_trips():
    item_id = uuid.uuid4()
    assert cursors.decode_int_id(cursors.encode_int_id(2024, item_id)) == (2024, item_id)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "!!!",
        "bm90IGpzb24",
        cursors.encode(1),
        cursors.encode("x", "y"),
        cursors.encode(True, str(uuid.uuid4())),
        cursors.encode(1, "not-a-uuid"),
        cursors.encode(10**30, str(uuid.uuid4())),
    ],
)
def test_bad_cursors_are_a_400_on_the_cursor_field(bad):
    with pytest.raises(Problem) as exc:
        cursors.decode_time_id(bad)
    assert exc.value.status == 400 and exc.value.errors[0].field == "cursor"
