"""The sample CPC item bank, so every content area has questions before instructors write any.

The questions are data, not code: `data/<area>.jsonl` holds one content area (its code in lower
case, e.g. `data/cpt-10000.jsonl`), one item per line as UTF-8 JSON with exactly the fields of an
import row (domain, stem, options, key, rationale, tags, code_set_year, references). The files
ship inside the package and are read through importlib.resources, so an installed wheel carries
them. The bank is their lines in code-book order of the areas, then file order: the same bank on
every start. Content rules are checked by tests/unit/test_sample_bank.py on every line: ICD-10-CM
codes billable in the public-domain code set, HCPCS codes real, no CPT descriptor reproduced,
and `mockcert items lint --sample` without an error or a missed target.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import msgspec

from shared.domains import DOMAINS

__all__ = ["SampleItem", "data_file", "load_sample_bank"]


class SampleOption(msgspec.Struct, forbid_unknown_fields=True):
    label: str
    text: str


class SampleItem(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One line of a data file: every field required, nothing else allowed (the API's limits are
    checked when the bank is seeded, by the same rules as an import)."""

    domain: str
    stem: str
    options: list[SampleOption]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int
    references: list[str]


_LINE = msgspec.json.Decoder(SampleItem)


def data_file(domain_code: str) -> Traversable:
    """The data file of one content area, inside the installed package."""
    return resources.files(__name__).joinpath("data", f"{domain_code.lower()}.jsonl")


def load_sample_bank(root: Traversable | None = None) -> list[dict[str, Any]]:
    """Return the sample bank as item dicts, grouped by content area in code-book order.

    `root` is the folder of the data files (the package's own by default). Raise ValueError
    naming the file and line when a line is not a sample item or belongs to another area.
    """
    items: list[dict[str, Any]] = []
    for domain in DOMAINS:
        source = data_file(domain.code) if root is None else root.joinpath(f"{domain.code.lower()}.jsonl")
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = _LINE.decode(line)
            except msgspec.DecodeError as exc:
                raise ValueError(f"{source.name} line {number}: {exc}") from None
            if item.domain != domain.code:
                raise ValueError(f"{source.name} line {number}: domain {item.domain!r}, expected {domain.code!r}")
            items.append(msgspec.to_builtins(item))
    return items

