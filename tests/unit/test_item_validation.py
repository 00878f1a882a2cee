"""The item rules, without a database: every broken field reported at once, content cleaned."""

from __future__ import annotations

import msgspec
import pytest

from item_bank.items.schemas import ItemIn, Option
from item_bank.items.validation import MAX_RATIONALE, MAX_TAGS, NUL_MESSAGE, check_item


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


def test_rationale_length_limit():
    assert MAX_RATIONALE == 8000
    content, errs = fields(body(rationale="r" * 8000))
    assert errs == [] and len(content.rationale) == 8000
    content, errors = check_item(body(rationale="r" * 8001), 2026)
    assert content is None
    assert [(e.field, e.message) for e in errors] == [("rationale", "at most 8000 characters")]
    # Counted after cleaning: surrounding spaces do not count against the limit.
    assert fields(body(rationale="  " + "r" * 8000 + "\n"))[1] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stem": "Which code is right\x00 for this encounter?"}, "stem"),
        ({"options": [{"label": lbl, "text": f"S72.9{i}XA\x00" if lbl == "C" else f"S72.9{i}XA"}
                      for i, lbl in enumerate("ABCD")]}, "options[2].text"),
        ({"rationale": "A is right\x00; the others are the wrong side or encounter."}, "rationale"),
        ({"tags": ["fractures", "lat\x00erality"]}, "tags[1]"),
        ({"references": ["ICD-10-CM guideline I.C.19\x00"]}, "references[0]"),
    ],
)
def test_nul_is_refused_in_every_text_field(overrides, field):
    """PostgreSQL text cannot hold NUL: refuse it by name, as the JSON body reader does, not drop it."""
    content, errors = check_item(body(**overrides), 2026)
    assert content is None
    assert [e.field for e in errors] == [field]
    assert NUL_MESSAGE in errors[0].message


def test_item_text_is_stored_in_nfc_and_otherwise_as_typed():
    """NFC composes what Unicode calls the same text (e + U+0301 is é) in every text field of an
    item, tags and references included, so search and duplicate checks see one form; it keeps
    compatibility characters (ﬁ, ①, full-width letters) as typed."""
    decomposed = "Cafe\u0301 ﬁbula ① ＡＢ"
    content, errors = fields(
        body(
            stem=f"{decomposed}: which code reports this encounter?",
            options=[{"label": lbl, "text": f"{decomposed} {lbl}"} for lbl in "ABCD"],
            rationale=f"{decomposed} is explained here at enough length to pass.",
            tags=["cafe\u0301"],
            references=[f"Guideline {decomposed}"],
        )
    )
    assert errors == []
    composed = "Caf\u00e9 ﬁbula ① ＡＢ"
    assert content.stem == f"{composed}: which code reports this encounter?"
    assert [text for _, text in content.options] == [f"{composed} {lbl}" for lbl in "ABCD"]
    assert content.rationale == f"{composed} is explained here at enough length to pass."
    assert content.tags == ("caf\u00e9",)
    assert content.references == (f"Guideline {composed}",)
