"""Checks on the sample item bank as it is loaded from its data files: shape rules, volume, balance
and content validity (the files line by line: test_sample_bank_data.py).

The ICD checks go back to the simple_icd_10_cm code set independently of the bank, so a code
that is not billable, a stem that quotes its key's title or a missing sibling distractor fails here.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

import msgspec
import pytest

from item_bank.items.schemas import ItemIn
from item_bank.items.validation import check_item
from item_bank.lint import as_lint_item, is_section_item, near_duplicates, parse_code_string
from item_bank.sample_bank import load_sample_bank
from item_bank.sample_bank.__main__ import main as cli_main
from item_bank.seeding import build_records
from shared.domains import DOMAIN_BY_CODE, DOMAIN_CODES, DOMAINS
from shared.settings import load_settings

with warnings.catch_warnings():
    # The package reads its data through a deprecated importlib.resources call.
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

LABELS = ["A", "B", "C", "D"]
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ICD_CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
ICD_IN_TEXT_RE = re.compile(r"\b[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")
ENCOUNTER_SUFFIX_RE = re.compile(r", (initial encounter|subsequent encounter|sequela)\b.*$")
HCPCS_LEVEL_II_RE = re.compile(r"^[A-V][0-9]{4}$")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _key_text(item: dict) -> str:
    return next(o["text"] for o in item["options"] if o["label"] == item["key"])


def _distractor_texts(item: dict) -> list[str]:
    return [o["text"] for o in item["options"] if o["label"] != item["key"]]


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    return load_sample_bank()


@pytest.fixture(scope="module")
def icd_cases(bank: list[dict]) -> list[dict]:
    return [i for i in bank if i["domain"] == "ICD" and "code-selection" in i["tags"]]


# --- shape -----------------------------------------------------------------------------------


def test_every_item_has_exactly_the_required_fields(bank):
    for item in bank:
        assert set(item) == {"domain", "stem", "options", "key", "rationale", "tags", "code_set_year",
                             "references"}
        assert item["domain"] in DOMAIN_CODES
        assert item["code_set_year"] == 2026


def _default_code_set_year() -> int:
    """The year the item bank runs with when MOCKCERT_CODE_SET_YEAR is not set."""
    settings = load_settings("item-bank", {"DATABASE_URL": "postgresql://unused", "MOCKCERT_MODE": "demo",
                                           "MOCKCERT_JWT_SECRET": "j" * 40, "MOCKCERT_SERVICE_SECRET": "s" * 40})
    return settings.current_code_set_year


def test_every_item_passes_the_apis_rules_for_the_default_code_set_year(bank):
    """Seeding skips an item the API refuses; none may be skipped, or a domain silently shrinks."""
    year = _default_code_set_year()
    for index, entry in enumerate(bank):
        content, errors = check_item(msgspec.convert(entry, ItemIn), year)
        assert content is not None, (index, entry["domain"], [f"{e.field}: {e.message}" for e in errors])
    records = build_records(bank, year)
    assert not records.refused, records.refused.most_common(3)
    assert len(records.items) == len(records.versions) == len(records.audit) == len(records.feed) == len(bank)
    seeded_domains = Counter(version[2] for version in records.versions)
    assert seeded_domains == Counter(i["domain"] for i in bank)


def test_options_are_four_labelled_distinct_and_short(bank):
    for item in bank:
        options = item["options"]
        assert [o["label"] for o in options] == LABELS
        assert all(set(o) == {"label", "text"} for o in options)
        texts = [o["text"] for o in options]
        for text in texts:
            assert isinstance(text, str) and text, item["stem"]
            assert text == text.strip(), text
            assert len(text) <= 500, text
        assert len({t.casefold() for t in texts}) == 4, texts


def test_key_stem_and_rationale_lengths(bank):
    for item in bank:
        assert item["key"] in LABELS
        assert 10 <= len(item["stem"]) <= 4000
        assert 20 <= len(item["rationale"]) <= 8000


def test_rationale_explains_the_key_and_every_distractor(bank):
    for item in bank:
        rationale = item["rationale"]
        assert f"Answer {item['key']} " in rationale
        for label in LABELS:
            if label != item["key"]:
                assert f"Option {label} " in rationale, (label, rationale)
        assert rationale.count(" is wrong: ") == 3


def test_tags_are_slugs_and_include_sample(bank):
    for item in bank:
        tags = item["tags"]
        assert 1 <= len(tags) <= 10, tags
        assert all(TAG_RE.match(t) for t in tags), tags
        assert len(set(tags)) == len(tags), tags
        assert "sample" in tags


def test_references_are_short_strings(bank):
    for item in bank:
        refs = item["references"]
        assert isinstance(refs, list) and refs
        assert all(isinstance(r, str) and 0 < len(r) <= 200 for r in refs), refs


def test_stems_are_unique_after_whitespace_normalisation(bank):
    stems = Counter(_norm(i["stem"]) for i in bank)
    duplicates = [s for s, n in stems.items() if n > 1]
    assert not duplicates, duplicates[:3]


# --- volume and balance ----------------------------------------------------------------------


def test_volume_overall_and_per_domain(bank):
    assert len(bank) >= 600
    counts = Counter(i["domain"] for i in bank)
    for domain in DOMAINS:
        assert counts[domain.code] >= 3 * domain.classic_count, (domain.code, counts[domain.code])


def test_items_come_grouped_in_code_book_order(bank):
    order = [DOMAIN_CODES.index(i["domain"]) for i in bank]
    assert order == sorted(order)


def test_keys_are_spread_over_all_four_letters(bank):
    counts = Counter(i["key"] for i in bank)
    for label in LABELS:
        assert 0.2 <= counts[label] / len(bank) <= 0.3, counts


def test_keys_are_spread_within_each_domain(bank):
    for code in DOMAIN_CODES:
        counts = Counter(i["key"] for i in bank if i["domain"] == code)
        assert len(counts) == 4, (code, counts)


# --- ICD-10-CM content -----------------------------------------------------------------------


def test_icd_domain_is_mostly_code_selection_from_clinical_notes(bank, icd_cases):
    icd_items = [i for i in bank if i["domain"] == "ICD"]
    assert len(icd_cases) > len(icd_items) / 2
    for item in icd_items:
        assert "code-selection" in item["tags"] or "guideline" in item["tags"], item["tags"]


def _codes(text: str) -> list[str]:
    return ICD_IN_TEXT_RE.findall(text)


def test_icd_case_options_are_billable_codes(icd_cases):
    for item in icd_cases:
        for option in item["options"]:
            codes = _codes(option["text"])
            assert codes and ", ".join(codes) == option["text"], option["text"]
            for code in codes:
                assert cm.is_valid_item(code) and cm.is_leaf(code), (code, item["stem"][:60])


def test_icd_stems_never_quote_the_keys_title_nor_label_the_encounter(icd_cases):
    for item in icd_cases:
        stem = item["stem"].casefold()
        assert not re.search(r"initial encounter|subsequent encounter|\bsequela\b", stem), item["stem"]
        for code in _codes(_key_text(item)):
            title = ENCOUNTER_SUFFIX_RE.sub("", _norm(cm.get_description(code).replace("/\t", " / ")))
            if len(title.split()) >= 3:
                assert title.casefold() not in stem, (code, title)


def test_icd_nearest_sibling_is_among_the_distractors(icd_cases):
    """A code of the same category as one of the key's codes (other side, other 7th character,
    the neighbouring subcode) is always offered."""
    for item in icd_cases:
        key_codes = set(_codes(_key_text(item)))
        offered = {c for text in _distractor_texts(item) for c in _codes(text)} - key_codes
        assert any(c[:3] == k[:3] for c in offered for k in key_codes), (item["stem"][:60], item["options"])


def test_icd_seventh_characters_a_d_s_and_e11_9_are_keys_of_real_cases(icd_cases):
    keys = [_codes(_key_text(item)) for item in icd_cases]
    for seventh in "ADS":
        with_it = [k for k in keys if any(len(c.replace(".", "")) == 7 and c.endswith(seventh) for c in k)]
        assert len(with_it) >= 3, (seventh, with_it)
    assert any("E11.9" in k for k in keys)


def test_icd_guideline_items_cite_the_official_guidelines(bank):
    guideline_items = [i for i in bank if i["domain"] == "ICD" and "guideline" in i["tags"]]
    assert guideline_items
    for item in guideline_items:
        assert any("Official Guidelines" in r for r in item["references"])


def test_icd_codes_named_in_guideline_items_exist(bank):
    """Dotted codes in keys must be billable; in distractors they must be valid unless the item is about
    building a code with placeholder X, where malformed codes are the point."""
    dotted = re.compile(r"\b[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b")
    for item in bank:
        if item["domain"] != "ICD" or "guideline" not in item["tags"]:
            continue
        for code in dotted.findall(_key_text(item)):
            assert cm.is_valid_item(code) and cm.is_leaf(code), (code, item["stem"])
        if "placeholder-x" in item["tags"] and ICD_CODE_RE.match(_key_text(item)):
            valid = [t for t in _distractor_texts(item) if cm.is_valid_item(t)]
            assert len(valid) == 1, item["options"]
            continue
        for text in _distractor_texts(item):
            for code in dotted.findall(text):
                assert cm.is_valid_item(code), (code, item["stem"])


# --- HCPCS and CPT-area content --------------------------------------------------------------


def test_hcpcs_lookup_keys_and_distractors_are_level_ii_codes(bank):
    lookups = [i for i in bank if i["domain"] == "HCPCS" and "code-lookup" in i["tags"]]
    assert lookups
    for item in lookups:
        for text in [o["text"] for o in item["options"]]:
            assert HCPCS_LEVEL_II_RE.match(text), text


_CPT_RANGES = {
    "EM": (99202, 99499), "ANES": (100, 1999), "CPT-10000": (10004, 19999), "CPT-20000": (20000, 29999),
    "CPT-30000": (30000, 39999), "CPT-40000": (40000, 49999), "CPT-50000": (50000, 59999),
    "CPT-60000": (60000, 69999), "RAD": (70010, 79999), "PATH": (80047, 89398), "MED": (90281, 99607),
}


def test_cpt_code_numbers_stay_in_their_section(bank):
    for item in bank:
        if item["domain"] not in _CPT_RANGES:
            continue
        lo, hi = _CPT_RANGES[item["domain"]]
        for number in re.findall(r"\b\d{5}\b", item["stem"]):
            assert lo <= int(number) <= hi, (item["domain"], number, item["stem"])


_NOTE_SERIES = {"CPT-10000": (10004, 19999), "CPT-20000": (20000, 29999), "CPT-30000": (30000, 39999),
                "CPT-40000": (40000, 49999), "CPT-50000": (50000, 59999), "CPT-60000": (60000, 69999)}


@pytest.mark.parametrize("area", sorted(_NOTE_SERIES))
def test_surgery_series_are_mostly_operative_notes_to_code_strings(bank, area):
    """At least 24 of an area's items give documentation and offer four code strings, at least 8 of them
    with a multi-code key whose first procedure code is in the series; no 'which subsection' item, no pair that
    differs only in a code number or date, and the key strictly the longest option in at most 30 %."""
    items = [i for i in bank if i["domain"] == area]
    assert len(items) >= 40
    lo, hi = _NOTE_SERIES[area]
    selection, multi = 0, 0
    for item in items:
        parsed = [parse_code_string(o["text"]) for o in item["options"]]
        if any(p is None for p in parsed):
            continue
        selection += 1
        key_codes = parsed[LABELS.index(item["key"])]
        assert key_codes is not None
        # A visit with modifier 25 or 57 may lead the key; the procedure after it is in the series.
        procedures = [c for c in key_codes if c.kind == "cpt" and not 99202 <= int(c.code) <= 99499]
        assert procedures and lo <= int(procedures[0].code) <= hi, (item["stem"][:60], key_codes)
        assert "code-selection" in item["tags"], item["tags"]
        multi += len(key_codes) > 1
    assert selection >= 24, (area, selection)
    assert multi >= 8, (area, multi)
    assert not [i["stem"] for i in items if is_section_item(i["stem"])]
    assert not near_duplicates([as_lint_item(i) for i in items])
    longest = 0
    for item in items:
        key = len(_key_text(item))
        longest += all(key > len(t) for t in _distractor_texts(item))
    assert longest <= 0.3 * len(items), (area, longest)


def test_every_domain_has_topic_tags_beyond_sample(bank):
    for item in bank:
        assert len(item["tags"]) >= 2, item["tags"]
        assert DOMAIN_BY_CODE[item["domain"]]


# --- CLI -------------------------------------------------------------------------------------


def test_cli_count_prints_every_domain(capsys):
    assert cli_main(["--count"]) == 0
    out = capsys.readouterr().out
    for domain in DOMAINS:
        assert re.search(rf"^{re.escape(domain.code)}\s+\d+", out, re.MULTILINE), domain.code
    assert re.search(r"^total\s+\d+", out, re.MULTILINE)


def test_no_item_of_the_sample_bank_has_a_lint_error(bank):
    """Invalid or non-billable codes, unknown modifiers, a CPT key outside its area, repeated options:
    the item linter finds none (its warnings and the bank-level targets: test_sample_bank_lint.py)."""
    from item_bank.lint import lint_item

    errors = [(i, item["domain"], f.field, f.message) for i, item in enumerate(bank)
              for f in lint_item(item) if f.level == "error"]
    assert not errors, errors[:10]
