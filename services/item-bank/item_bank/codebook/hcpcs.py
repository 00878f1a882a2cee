"""HCPCS Level II in memory: the codes the sample bank uses, with our short descriptors. No I/O
after loading.

HCPCS Level II is CMS's public-domain code set; the official file is not shipped offline, so
data/hcpcs.json holds the bank's codes with descriptors in our own words (a test checks that every
HCPCS code the sample bank names is here). Search: a code or its prefix ("J34"), else every word
of the query starting a word of the descriptor or category.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

_WORD = re.compile(r"[a-z0-9]+")
_CODE_QUERY = re.compile(r"^[A-V][0-9]{0,4}$")


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    descriptor: str
    category: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    year: int
    source: str
    codes: dict[str, Code]

    def find(self, code: str) -> Code | None:
        return self.codes.get(code.strip().upper())

    def search(self, query: str, limit: int = 20) -> list[Code]:
        text = query.strip()
        if _CODE_QUERY.match(text.upper()):
            prefix = text.upper()
            return [c for c in self.codes.values() if c.code.startswith(prefix)][:limit]
        wanted = _WORD.findall(text.lower())
        if not wanted:
            return []
        found = []
        for code in self.codes.values():
            have = _WORD.findall(f"{code.descriptor} {code.category}".lower())
            if all(any(h.startswith(w) for h in have) for w in wanted):
                found.append(code)
        return found[:limit]


def load() -> Table:
    raw = json.loads(resources.files("item_bank.codebook").joinpath("data", "hcpcs.json").read_text("utf-8"))
    codes = {c["code"]: Code(code=c["code"], descriptor=c["descriptor"], category=c["category"],
                             note=c.get("note", "")) for c in raw["codes"]}
    return Table(year=int(raw["year"]), source=str(raw["source"]), codes=dict(sorted(codes.items())))
