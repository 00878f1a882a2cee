"""The sample bank against every target of docs/item-bank.md, area by area, as the item linter
measures it (`mockcert items lint --sample` prints the same report)."""

from __future__ import annotations

import pytest

from item_bank.lint import CPT_AREAS, TARGETS, BankReport, format_report, lint_bank
from item_bank.sample_bank import load_sample_bank
from shared.domains import DOMAINS


@pytest.fixture(scope="module")
def report() -> BankReport:
    return lint_bank(load_sample_bank())


def test_no_item_errors(report):
    errors = [(e.index, e.domain, f.field, f.message) for e in report.items for f in e.findings
              if f.level == "error"]
    assert not errors, errors[:10]


def test_no_near_duplicate_pairs(report):
    assert not report.findings, [f.message for f in report.findings[:10]]


@pytest.mark.parametrize("area", [d.code for d in DOMAINS])
def test_area_meets_every_target(report, area):
    row = next(r for r in report.areas if r.domain == area)
    low, high = TARGETS["key_share"]
    assert row.items >= row.size_target
    assert row.template_share <= TARGETS["template_share"]
    assert row.longest_cue <= TARGETS["longest_cue"]
    assert all(low <= share <= high for share in row.key_balance.values()), row.key_balance
    assert row.section_items <= TARGETS["section_items"]
    assert row.near_duplicates == 0
    if area in CPT_AREAS:
        assert row.code_selection >= TARGETS["code_selection"]
        assert row.multi_code >= TARGETS["multi_code"]
    # Seed codes and 7th characters, measured by the report too.
    assert not row.missed, "\n" + format_report(report)


def test_docs_show_the_current_report(report):
    """docs/item-bank.md prints the report of the bank as it is; a content change refreshes it."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "item-bank.md").read_text()
    block = doc.split("### The sample bank, per area", 1)[1].split("```", 2)[1].strip()
    assert block == format_report(report).strip(), "refresh the table: mockcert items lint --sample"
