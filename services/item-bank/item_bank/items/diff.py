"""A readable diff between two versions of an item: per field, word by word. Pure."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any, Literal

from item_bank.items.schemas import DiffSegment, FieldChange

_TOKENS = re.compile(r"\s+|[^\s]+")

# Field order as a reader meets them on the item page.
FIELDS = (
    "domain",
    "stem",
    "option A",
    "option B",
    "option C",
    "option D",
    "key",
    "rationale",
    "tags",
    "code_set_year",
    "references",
)


def _flatten(version: Mapping[str, Any]) -> dict[str, str]:
    out = {
        "domain": str(version["domain"]),
        "stem": str(version["stem"]),
        "key": str(version["key"]),
        "rationale": str(version["rationale"]),
        "tags": ", ".join(version["tags"]),
        "code_set_year": str(version["code_set_year"]),
        "references": "\n".join(version["references"]),
    }
    for opt in version["options"]:
        out[f"option {opt['label']}"] = str(opt["text"])
    return out


def word_diff(before: str, after: str) -> list[DiffSegment]:
    """Segments that read left to right: equal text, deleted words, inserted words."""
    a = _TOKENS.findall(before)
    b = _TOKENS.findall(after)
    segments: list[DiffSegment] = []

    def add(op: Literal["equal", "insert", "delete"], text: str) -> None:
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = DiffSegment(op=op, text=segments[-1].text + text)
        else:
            segments.append(DiffSegment(op=op, text=text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(a[i1:i2]))
        else:
            add("delete", "".join(a[i1:i2]))
            add("insert", "".join(b[j1:j2]))
    return segments


def diff_versions(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Only the fields that changed, in reading order."""
    a, b = _flatten(before), _flatten(after)
    changes = []
    for field in FIELDS:
        old, new = a.get(field, ""), b.get(field, "")
        if old != new:
            changes.append(FieldChange(field=field, before=old, after=new, segments=word_diff(old, new)))
    return changes
