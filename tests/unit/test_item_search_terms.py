"""What the item bank's search box means (item_bank.search): ids, codes, words. Pure."""

from __future__ import annotations

import pytest

from item_bank.items.search import code_key, id_prefix, inflections, parse


def test_a_word_is_that_word_and_its_plain_plural_never_a_stem():
    terms = parse("laterality")
    assert terms.tsquery == "('laterality' | 'lateralities')"
    lexemes = {w.strip("'()") for w in terms.tsquery.split(" | ")}
    assert not {"later", "lateral", "latera"} & lexemes
    assert inflections("fracture") == ["fracture", "fractures"]
    assert inflections("fractures") == ["fractures", "fracture"]
    assert inflections("boxes") == ["boxes", "boxe", "box"]
    assert inflections("lateralities") == ["lateralities", "laterality"]
    assert inflections("day") == ["day", "days"]
    for word in ("diagnosis", "status", "class"):  # not plurals: never shortened
        assert inflections(word) == [word]
    assert inflections("x2") == ["x2"] and inflections("of") == ["of"]


def test_prefix_only_when_asked_phrases_or_and_not():
    assert parse("lat*").tsquery == "'lat':*"
    assert parse('"about the hepat"').tsquery == "('about' <-> 'the' <-> 'hepat')"
    assert parse("nephritis OR gastritis").tsquery == "'nephritis' | 'gastritis'"
    assert parse("fracture -radius").tsquery == "('fracture' | 'fractures') & !'radius'"
    assert parse("-radius").empty  # only an exclusion names nothing to find


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("E11.9", "E119"),
        ("e119", "E119"),
        ("E11", "E11"),
        ("S52.5", "S525"),
        ("S52.501A", "S52501A"),
        ("T36.0X1A", "T360X1A"),
        ("J3420", "J3420"),
        ("j3420", "J3420"),
        ("99213", "99213"),
        ("0001F", "0001F"),
        ("0042T", "0042T"),
    ],
)
def test_codes_as_typed(typed, key):
    assert code_key(typed) == key
    terms = parse(typed)
    assert terms.codes == (key,) and terms.tsquery is None


@pytest.mark.parametrize("word", ["laterality", "2024", "123", "E1", "x-ray", "radius", "1234567"])
def test_words_that_are_not_codes(word):
    assert code_key(word) is None


def test_codes_and_words_together():
    terms = parse("E11.9 diabetes")
    assert terms.codes == ("E119",) and terms.tsquery == "('diabetes' | 'diabete')"


def test_item_ids_full_or_eight_hex_digits():
    full = "3f2a9c1e-4b5d-4c3e-9f00-aabbccddeeff"
    assert id_prefix(full) == full.replace("-", "")
    assert parse(full).id_prefix == full.replace("-", "")
    assert parse("3F2A9C1E").id_prefix == "3f2a9c1e"
    assert parse("a86adadf").tsquery == "'a86adadf'"  # or a word of the text that looks like one
    assert parse("3f2a9c1e-4b").id_prefix == "3f2a9c1e4b"
    assert id_prefix("3f2a9c1") is None  # seven: too short to name one item
    assert id_prefix("deadbeefzz") is None
    assert id_prefix("-3f2a9c1e") is None
    assert parse("3f2a9c1").id_prefix is None


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE item_bank.items; --",
        "x' OR '1'='1",
        "\\'); SELECT pg_sleep(5); --",
        "a:* & b | !c <-> (d",
        "'quoted' \\backslash\\ ''",
    ],
)
def test_no_input_changes_the_shape_of_the_query(hostile):
    terms = parse(hostile)
    assert terms.tsquery is not None
    # Every lexeme is a quoted word with no quote or backslash inside; only our operators outside.
    import re

    outside = re.sub(r"'[^'\\]*'", "", terms.tsquery)
    assert set(outside) <= set(" ()|&!<->:*")
    assert "\\" not in terms.tsquery


def test_nothing_searchable_finds_nothing():
    for text in ("", "   ", "!!! ::: & | <-> ( ", "OR OR", '""'):
        assert parse(text).empty, text
