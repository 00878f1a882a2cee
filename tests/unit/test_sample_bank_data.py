"""The sample bank's data files: every line an item the API accepts, read back through the package.

The content itself (ICD codes billable, HCPCS codes real, no CPT descriptor, the linter's targets)
is checked in test_sample_bank.py and test_sample_bank_lint.py on the loaded bank.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources

import msgspec
import pytest

from item_bank.items.schemas import ItemIn
from item_bank.items.validation import check_item
from item_bank.sample_bank import data_file, load_sample_bank
from shared.contracts import LABELS
from shared.domains import DOMAIN_CODES, DOMAINS

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
FIELDS = ["domain", "stem", "options", "key", "rationale", "tags", "code_set_year", "references"]


def _lines(code: str) -> list[str]:
    raw = data_file(code).read_bytes()
    text = raw.decode("utf-8")  # strict: a byte that is not UTF-8 fails here
    assert text.endswith("\n") and "\r" not in text, code
    return text.split("\n")[:-1]


def test_every_area_has_its_file_and_no_file_is_stray():
    folder = resources.files("item_bank.sample_bank").joinpath("data")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".jsonl"))
    assert names == sorted(f"{code.lower()}.jsonl" for code in DOMAIN_CODES)


@pytest.mark.parametrize("code", DOMAIN_CODES)
def test_every_line_is_one_item_the_api_accepts(code):
    lines = _lines(code)
    assert lines
    for number, line in enumerate(lines, start=1):
        where = f"{code.lower()}.jsonl line {number}"
        assert line.strip(), f"{where}: blank line"
        assert list(json.loads(line)) == FIELDS, where  # every field, in one order
        body = msgspec.json.decode(line, type=ItemIn)  # the import row's schema, unknown fields refused
        assert body.domain == code, where
        assert body.key in LABELS, where
        assert [o.label for o in body.options] == list(LABELS), where
        assert body.tags and all(TAG_RE.match(t) for t in body.tags) and "sample" in body.tags, (where, body.tags)
        content, errors = check_item(body, 2026)
        assert content is not None, (where, [f"{e.field}: {e.message}" for e in errors])


def test_the_loaded_bank_has_forty_items_per_area_in_code_book_order():
    bank = load_sample_bank()
    assert Counter(i["domain"] for i in bank) == {d.code: 40 for d in DOMAINS}
    assert [i["domain"] for i in bank] == [d.code for d in DOMAINS for _ in range(40)]
    assert load_sample_bank() == bank


def test_a_few_items_exactly():
    bank = load_sample_bank()
    assert bank[0] == {
        "domain": "EM",
        "stem": "How are history and examination used in selecting an office visit level under the current CPT "
                "guidelines?",
        "options": [
            {"label": "A", "text": "All three of history, exam and MDM must be met"},
            {"label": "B", "text": "The level is the lower of history and examination"},
            {"label": "C", "text": "They are performed as medically appropriate and do not determine the level"},
            {"label": "D", "text": "The examination alone determines the level"},
        ],
        "key": "C",
        "rationale": "Answer C is correct: Office visit levels are selected by medical decision making or total "
                     "time. Option A (All three of history, exam and MDM must be met) is wrong: That was the older "
                     "rule for new patients. Option B is wrong: That was the older scheme. Option D (The "
                     "examination alone determines the level) is wrong: The examination does not determine the "
                     "level.",
        "tags": ["e-m", "office-visit", "history-exam", "sample"],
        "code_set_year": 2026,
        "references": ["CPT Evaluation and Management Services guidelines"],
    }
    anes = bank[40]
    assert anes["domain"] == "ANES" and anes["key"] == "A"
    assert [o["text"] for o in anes["options"]] == ["00813-P2", "00811-P2", "00731-P2, 00811-P2", "00731-P2"]
    assert anes["tags"] == ["anesthesia", "code-selection", "endoscopy", "physical-status", "sample"]
    icd = bank[13 * 40 + 5]
    assert icd["stem"] == "Which statement about ICD-10-CM external cause codes (V00-Y99) is correct?"
    assert icd["key"] == "D"
    assert icd["references"] == ["ICD-10-CM Official Guidelines for Coding and Reporting, Section I.C.20"]
    hcpcs = bank[14 * 40 + 39]
    assert hcpcs["domain"] == "HCPCS" and hcpcs["key"] == "C"
    assert [o["text"] for o in hcpcs["options"]] == ["G0121", "45378", "G0105", "G0104"]
    assert hcpcs["rationale"].startswith("Answer C (G0105) is correct: Medicare reports a screening colonoscopy")


def _write_bank(folder, bank):
    for d in DOMAINS:
        lines = [json.dumps(i, ensure_ascii=False) for i in bank if i["domain"] == d.code]
        (folder / f"{d.code.lower()}.jsonl").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def test_a_copy_of_the_files_loads_the_same_bank(tmp_path):
    bank = load_sample_bank()
    _write_bank(tmp_path, bank)
    assert load_sample_bank(tmp_path) == bank


def test_a_bad_line_is_refused_naming_its_file_and_line(tmp_path):
    bank = load_sample_bank()
    _write_bank(tmp_path, bank)
    path = tmp_path / "rad.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[2])
    del broken["rationale"]
    lines[2] = json.dumps(broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^rad\.jsonl line 3: .*rationale"):
        load_sample_bank(tmp_path)

    _write_bank(tmp_path, bank)
    moved = json.loads((tmp_path / "term.jsonl").read_text(encoding="utf-8").splitlines()[0])
    with (tmp_path / "anat.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(moved) + "\n")
    with pytest.raises(ValueError, match=r"^anat\.jsonl line 41: domain 'TERM', expected 'ANAT'"):
        load_sample_bank(tmp_path)



def test_the_data_files_are_package_data_of_the_wheel():
    """An installed wheel carries data/*.jsonl only if pyproject.toml names them as package data."""
    import fnmatch
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]
    wanted = [*patterns.get("*", []), *patterns.get("item_bank.sample_bank", [])]
    for code in DOMAIN_CODES:
        assert any(fnmatch.fnmatch(f"data/{code.lower()}.jsonl", p) for p in wanted), (code, wanted)
