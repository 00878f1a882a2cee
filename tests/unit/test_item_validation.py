"""The item rules, without a database: every broken field reported at once, content cleaned."""

from __future__ import annotations

import msgspec
import pytest
from item_bank.schemas import ItemIn, Option
from item_bank.validation import MAX_TAGS, check_item


def body(**overrides):
    base = {
        "domain": "ICD",
        "stem": "Which code reports an initial encounter for a right femur fracture?",
        "options": [{"label": lbl, "text": f"S72.9{i}XA"} for i, lbl in enumerate("ABCD")],
        "key": "A",
        "rationale": "A is the right side, initial encounter; the rest are the wrong side or encounter.",
        "tags": [],
    }
    base.update(overrides)
    # Built directly (no schema check), so the rules of check_item are tested on their own.
    base["options"] = [Option(label=o["label"], text=o["text"]) for o in base["options"]]
    return ItemIn(**base)


def fields(item, year=2026):
    content, errors = check_item(item, year)
    return content, [e.field for e in errors]


def test_a_good_item_is_cleaned():
    content, errors = fields(
        body(
            stem="  Which code\r\nis right?\x07  ",
            tags=[" Fractures ", "fractures", "ICD"],
            references=[" Guideline  I.C.19 ", "Guideline I.C.19"],
        )
    )
    assert errors == []
    assert content.stem == "Which code\nis right?"
    assert content.tags == ("fractures", "icd")
    assert content.references == ("Guideline I.C.19",)
    assert content.code_set_year == 2026  # the current year when not given
    assert content.options_dicts()[0] == {"label": "A", "text": "S72.90XA"}
    assert content.options_text().count("\n") == 3


def test_every_broken_field_at_once():
    item = body(
        domain="XYZ",
        stem="short",
        key="",
        rationale="brief",
        options=[
            {"label": "A", "text": "a"},
            {"label": "B", "text": "A "},
            {"label": "D", "text": ""},
            {"label": "D", "text": "d"},
        ],
        tags=["ok", "", "bad;tag"],
        references=["", "x" * 301],
        code_set_year=1999,
    )
    content, errs = fields(item)
    assert content is None
    assert errs == [
        "domain",
        "stem",
        "options[1].text",
        "options[2].label",
        "options[2].text",
        "key",
        "rationale",
        "tags[1]",
        "tags[2]",
        "code_set_year",
        "references[0]",
        "references[1]",
    ]


@pytest.mark.parametrize("count", [0, 3, 5])
def test_exactly_four_options(count):
    item = body(options=[{"label": "ABCDE"[i], "text": f"option {i}"} for i in range(count)])
    _, errs = fields(item)
    assert errs == ["options"]


def test_options_compare_ignoring_case_and_spacing():
    item = body(
        options=[
            {"label": "A", "text": "Left  femur"},
            {"label": "B", "text": "left femur"},
            {"label": "C", "text": "c"},
            {"label": "D", "text": "d"},
        ]
    )
    content, errs = check_item(item, 2026)
    assert [e.field for e in errs] == ["options[1].text"] and "repeats option A" in errs[0].message


def test_year_bounds_follow_the_current_code_set():
    assert fields(body(code_set_year=2027), 2026)[1] == []
    assert fields(body(code_set_year=2028), 2026)[1] == ["code_set_year"]


def test_too_many_tags():
    _, errs = fields(body(tags=[f"t{i}" for i in range(MAX_TAGS + 1)]))
    assert errs == ["tags"]


def test_shapes_and_hard_caps_are_checked_by_the_schema():
    good = msgspec.to_builtins(body())
    assert msgspec.convert(good, ItemIn) == body()
    for bad, where in (
        ({"stem": "x" * 4001}, "stem"),
        ({"colour": "red"}, "colour"),
        ({"tags": [f"t{i}" for i in range(MAX_TAGS + 1)]}, "tags"),
        ({"references": ["x" * 301]}, "references"),
    ):
        with pytest.raises(msgspec.ValidationError, match=where):
            msgspec.convert({**good, **bad}, ItemIn)
