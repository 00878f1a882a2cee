"""The one place that turns question specs into item dicts.

Generators describe a question as a key plus three distractors, each carrying the reason it is
right or wrong. Only this module assigns letters, so a rationale can never name the wrong letter
after options are shuffled, and the key position is balanced across the whole bank instead of
being left to chance.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.contracts import LABELS

CODE_SET_YEAR = 2026
SAMPLE_TAG = "sample"
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TAGS = 10
MAX_OPTION_CHARS = 500
STEM_RANGE = (10, 4000)
RATIONALE_RANGE = (20, 8000)
MAX_REFERENCE_CHARS = 200
# Option texts at most this long are echoed in the rationale ("Option B (S52.521A) ...").
_ECHO_LIMIT = 48


def normalise(text: str) -> str:
    """Collapse runs of whitespace; stems are compared for uniqueness in this form."""
    return " ".join(text.split())


def _sentence(text: str) -> str:
    text = normalise(text)
    return text if text.endswith((".", "?", "!")) else text + "."


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    why: str


@dataclass(frozen=True, slots=True)
class Spec:
    domain: str
    stem: str
    key: Choice
    distractors: tuple[Choice, ...]
    tags: tuple[str, ...]
    references: tuple[str, ...]


def spec(
    domain: str,
    stem: str,
    key: tuple[str, str],
    distractors: Sequence[tuple[str, str]],
    tags: Iterable[str],
    references: Iterable[str],
) -> Spec:
    """Build a Spec from plain tuples: key = (text, why right), distractors = [(text, why wrong)] * 3."""
    if len(distractors) != 3:
        raise ValueError(f"need exactly 3 distractors, got {len(distractors)}: {stem[:60]!r}")
    return Spec(
        domain=domain,
        stem=normalise(stem),
        key=Choice(normalise(key[0]), _sentence(key[1])),
        distractors=tuple(Choice(normalise(t), _sentence(w)) for t, w in distractors),
        tags=tuple(tags),
        references=tuple(references),
    )


class CaseMaker:
    """Builds one area's code-selection cases: its domain, the tags every case carries and the
    references a case cites unless it names its own."""

    def __init__(self, domain: str, tags: Iterable[str], refs: Iterable[str] = ()) -> None:
        self.domain = domain
        self.tags = tuple(tags)
        self.refs = tuple(refs)

    def __call__(self, stem: str, key: tuple[str, str], wrong: Sequence[tuple[str, str]], tags: Iterable[str],
                 refs: Iterable[str] | None = None) -> Spec:
        return spec(self.domain, stem, key, wrong, (*self.tags, *tags), self.refs if refs is None else refs)


def pick(rng: random.Random, groups: Sequence[tuple[Sequence[Spec], int]]) -> list[Spec]:
    """Take up to n specs from each group (seeded), skipping stems already taken."""
    seen: set[str] = set()
    out: list[Spec] = []
    for pool, n in groups:
        unique: dict[str, Spec] = {}
        for s in pool:
            if s.stem not in seen:
                unique.setdefault(s.stem, s)
        chosen = rng.sample(list(unique.values()), min(n, len(unique)))
        for s in chosen:
            seen.add(s.stem)
            out.append(s)
    return out


def _tags(spec_tags: Iterable[str]) -> list[str]:
    tags = list(dict.fromkeys(t for t in spec_tags if t != SAMPLE_TAG))[: MAX_TAGS - 1]
    return [*tags, SAMPLE_TAG]


def _label_text(label: str, text: str) -> str:
    return f"{label} ({text})" if len(text) <= _ECHO_LIMIT else label


def render(s: Spec, rng: random.Random, key_index: int) -> dict:
    """Place the key at key_index, shuffle the distractors around it, and write the rationale."""
    others = list(s.distractors)
    rng.shuffle(others)
    ordered = [*others[:key_index], s.key, *others[key_index:]]
    options = [{"label": lab, "text": c.text} for lab, c in zip(LABELS, ordered, strict=True)]
    key_label = LABELS[key_index]
    parts = [f"Answer {_label_text(key_label, s.key.text)} is correct: {s.key.why}"]
    for lab, c in zip(LABELS, ordered, strict=True):
        if lab != key_label:
            parts.append(f"Option {_label_text(lab, c.text)} is wrong: {c.why}")
    return {
        "domain": s.domain,
        "stem": s.stem,
        "options": options,
        "key": key_label,
        "rationale": " ".join(parts),
        "tags": _tags(s.tags),
        "code_set_year": CODE_SET_YEAR,
        "references": list(dict.fromkeys(s.references)),
    }


def validate_item(item: dict) -> None:
    """Raise ValueError if an item breaks the bank's shape rules (used by the generator and tests)."""
    problems: list[str] = []
    expected = {
        "domain", "stem", "options", "key", "rationale", "tags", "code_set_year", "references",
    }
    if set(item) != expected:
        problems.append(f"keys {sorted(item)}")
    options = item.get("options", [])
    if [o.get("label") for o in options] != list(LABELS):
        problems.append("options must be labelled A-D in order")
    texts = [o.get("text", "") for o in options]
    for t in texts:
        if not t or t != t.strip() or len(t) > MAX_OPTION_CHARS:
            problems.append(f"bad option text {t!r}")
    if len({t.casefold() for t in texts}) != len(texts):
        problems.append("option texts not distinct")
    if item.get("key") not in LABELS:
        problems.append("key not A-D")
    stem = item.get("stem", "")
    if not STEM_RANGE[0] <= len(stem) <= STEM_RANGE[1]:
        problems.append("stem length")
    rationale = item.get("rationale", "")
    if not RATIONALE_RANGE[0] <= len(rationale) <= RATIONALE_RANGE[1]:
        problems.append("rationale length")
    tags = item.get("tags", [])
    if not 1 <= len(tags) <= MAX_TAGS or not all(TAG_RE.match(t) for t in tags):
        problems.append(f"tags {tags}")
    refs = item.get("references", [])
    if not all(isinstance(r, str) and 0 < len(r) <= MAX_REFERENCE_CHARS for r in refs):
        problems.append("references")
    if item.get("code_set_year") != CODE_SET_YEAR:
        problems.append("code_set_year")
    if problems:
        raise ValueError(f"invalid item {stem[:60]!r}: {'; '.join(problems)}")
