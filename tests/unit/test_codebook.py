"""The code book's data, without I/O beyond reading the shipped files: the ICD-10-CM index finds
what coders type, and every HCPCS Level II code the sample bank names has a descriptor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from item_bank.codebook import hcpcs, icd

SAMPLE_BANK = Path(__file__).resolve().parents[2] / "services" / "item-bank" / "item_bank" / "sample_bank"
HCPCS_CODE = re.compile(r"\b[A-V]\d{4}\b")


@pytest.fixture(scope="module")
def index() -> icd.Index:
    return icd.build()


def codes(hits) -> list[str]:
    return [h.code for h in hits]


def test_the_index_holds_the_whole_shipped_release(index):
    assert len(index.entries) > 90000
    kinds = {e.kind for e in index.entries.values()}
    assert kinds == {"chapter", "block", "category", "subcategory", "code"}
    assert index.entries["E11.9"].billable and not index.entries["E11"].billable
    assert index.entries["S72.001A"].kind == "code" and index.entries["S72.001A"].parent == "S72.001"
    assert index.find("e119") is index.find(" E11.9 ") is index.entries["E11.9"]
    assert index.find("E11.99") is None


def test_the_tree_has_no_loop_and_every_code_hangs_under_a_chapter(index):
    # The package names a block that holds a single category like the category (B20, Z66): one
    # entry, the category, under the chapter; never a code that is its own parent.
    assert not [e.code for e in index.entries.values() if e.parent == e.code or e.code in e.children]
    assert {index.ancestors(e)[0].kind for e in index.entries.values() if e.kind != "chapter"} == {"chapter"}
    for code in ("B20", "Z66", "T07"):
        entry = index.entries[code]
        assert entry.kind == "category" and [a.code for a in index.ancestors(entry)] == [entry.parent]
    assert index.entries["T07"].children == ["T07.XXXA", "T07.XXXD", "T07.XXXS"]


@pytest.mark.parametrize("query, expected, within", [
    ("type 2 diabetes", "E11.9", 5), ("Type 2 Diabetes Mellitus", "E11", 1), ("high blood pressure", "I10", 1),
    ("colles fracture", "S52.53", 3), ("otitis media", "H66.9", 3), ("kidney stones", "N20.0", 1),
    ("E11.9", "E11.9", 1), ("e119", "E11.9", 1), ("S52.5", "S52.5", 1), ("T40.2X5A", "T40.2X5A", 1),
])
def test_search_ranks_what_is_meant_near_the_top(index, query, expected, within):
    found = codes(index.search(query, 10))
    assert expected in found[:within], found


def test_a_prefix_lists_the_level_below_first(index):
    found = codes(index.search("S52.5", 12))
    assert found[:3] == ["S52.5", "S52.50", "S52.51"] and all(c.startswith("S52.5") for c in found)
    # A partial code that is not itself a code: everything under it, shortest first.
    found = codes(index.search("T40.2X", 5))
    assert found[0] == "T40.2X" or all(c.startswith("T40.2X") for c in found)


def test_the_7th_character_table_comes_from_where_it_is_written(index):
    holder, note, table = icd.seventh_character(index, index.entries["S52.501"])
    assert holder == "S52" and "7th character" in note
    assert dict(table)["A"] == "initial encounter for closed fracture"
    assert icd.seventh_character(index, index.entries["E11.9"]) is None
    assert icd.seventh_character(index, index.entries["19"]) is None


def test_every_hcpcs_code_the_sample_bank_names_is_in_the_code_book():
    table = hcpcs.load()
    used = {code for path in SAMPLE_BANK.rglob("*") if path.is_file() and path.suffix in (".py", ".jsonl", ".json")
            for code in HCPCS_CODE.findall(path.read_text("utf-8"))}
    assert len(used) >= 40, sorted(used)
    assert not used - set(table.codes), sorted(used - set(table.codes))
    assert all(c.descriptor and c.category for c in table.codes.values())
    assert codes(table.search("J34")) == ["J3420", "J3490"]
    assert codes(table.search("oxygen concentrator")) == ["E1390", "E1392"]
    assert table.search("") == [] and table.find("j3420") is table.codes["J3420"]
