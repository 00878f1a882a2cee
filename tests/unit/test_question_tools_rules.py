"""The question tools' pure rules: struck labels as a set, highlights merged within the stem."""

from __future__ import annotations

from exam_delivery.tools.marks import highlight_ranges, merged, struck_set
from exam_delivery.tools.schemas import Highlight


def test_struck_labels_are_a_set_in_label_order():
    assert struck_set(["D", "A", "D", "B"]) == ["A", "B", "D"]
    assert struck_set([]) == []


def test_ranges_that_overlap_or_touch_become_one():
    assert merged([(10, 12), (0, 3), (2, 5), (5, 7), (12, 12), (20, 30), (21, 22)]) == [(0, 7), (10, 12), (20, 30)]
    assert merged([]) == []


def test_highlights_must_be_ranges_inside_the_stem():
    ranges, errors = highlight_ranges([Highlight(0, 4), Highlight(3, 10)], 10)
    assert ranges == [(0, 10)] and errors == []
    _, errors = highlight_ranges([Highlight(0, 4), Highlight(6, 6), Highlight(2, 11)], 10)
    assert [(e.field, e.message.split(" ")[0]) for e in errors] == [
        ("highlights[1].end", "must"), ("highlights[2].end", "is")]
