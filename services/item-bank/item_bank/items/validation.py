"""The rules an item must meet, checked all at once so a form can show every
broken field next to itself. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol

import msgspec

from shared.contracts import LABELS
from shared.domains import DOMAIN_BY_CODE
from shared.errors import FieldError

MIN_STEM, MAX_STEM = 10, 4000
MIN_RATIONALE, MAX_RATIONALE = 20, 8000
MAX_OPTION = 500
MAX_TAG, MAX_TAGS = 40, 20
MAX_REFERENCE, MAX_REFERENCES = 300, 20
MIN_YEAR, MAX_YEAR = 2000, 2100

NUL_MESSAGE = "must not contain the NUL character"  # the JSON body reader's words (shared.web)
# The rationale of an imported question that came without one: a draft that may not go to
# review until someone writes it (items.service.check_lint_for_review).
NO_RATIONALE = (
    "No rationale came with this question in the imported file: write why the key is right "
    "and each distractor wrong before sending it for review."
)

_SPACES = re.compile(r"\s+")
_TAG_RE = re.compile(r"^[\w][\w .:/+&-]*$")


class OptionLike(Protocol):
    label: str
    text: str


class ItemLike(Protocol):
    domain: str
    stem: str
    options: Any
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int | None
    references: list[str]


class ItemContent(msgspec.Struct, frozen=True):
    """An item's content, cleaned and checked: what a version stores."""

    domain: str
    stem: str
    options: tuple[tuple[str, str], ...]  # (label, text) in A..D order
    key: str
    rationale: str
    tags: tuple[str, ...]
    code_set_year: int
    references: tuple[str, ...]

    def options_dicts(self) -> list[dict[str, str]]:
        return [{"label": label, "text": text} for label, text in self.options]

    def options_text(self) -> str:
        return "\n".join(text for _, text in self.options)


def _norm_for_compare(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _clean(text: str) -> str:
    """Normalise to NFC, trim the ends and drop characters that render invisibly (control chars
    except newlines/tabs). NFC only composes what Unicode calls the same text (`e` + U+0301 is `é`),
    so it looks as typed, and search, tags and duplicate checks see one form.

    NUL is refused before cleaning (see check_item), not dropped: PostgreSQL text
    cannot hold it, and an import row carrying one is refused like a JSON body is."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def clean_tag(tag: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", tag)).strip().lower()


def check_item(item: ItemLike, current_year: int) -> tuple[ItemContent | None, list[FieldError]]:
    """Return the cleaned content, or None and every broken field with a message a person can act on."""
    errors: list[FieldError] = []

    domain = item.domain.strip()
    if domain not in DOMAIN_BY_CODE:
        errors.append(
            FieldError("domain", f"unknown domain {domain!r}; use one of {', '.join(DOMAIN_BY_CODE)}")
        )

    stem = _clean(item.stem)
    if "\x00" in item.stem:
        errors.append(FieldError("stem", NUL_MESSAGE))
    elif len(stem) < MIN_STEM:
        errors.append(FieldError("stem", f"the question needs at least {MIN_STEM} characters"))
    elif len(stem) > MAX_STEM:
        errors.append(FieldError("stem", f"at most {MAX_STEM} characters"))

    options = list(item.options)
    cleaned: list[tuple[str, str]] = []
    if len(options) != 4:
        errors.append(FieldError("options", f"exactly four options A-D are required (got {len(options)})"))
    else:
        seen: dict[str, str] = {}
        for i, (opt, expected) in enumerate(zip(options, LABELS, strict=True)):
            text = _clean(opt.text)
            if opt.label != expected:
                errors.append(
                    FieldError(f"options[{i}].label", f"option {i + 1} must be labelled {expected}")
                )
            if "\x00" in opt.text:
                errors.append(FieldError(f"options[{i}].text", f"option {expected} {NUL_MESSAGE}"))
            elif not text:
                errors.append(FieldError(f"options[{i}].text", f"option {expected} is empty"))
            elif len(text) > MAX_OPTION:
                errors.append(
                    FieldError(f"options[{i}].text", f"option {expected}: at most {MAX_OPTION} characters")
                )
            else:
                norm = _norm_for_compare(text)
                if norm in seen:
                    errors.append(
                        FieldError(
                            f"options[{i}].text",
                            f"option {expected} repeats option {seen[norm]}; options must differ",
                        )
                    )
                else:
                    seen[norm] = expected
            cleaned.append((expected, text))

    if item.key not in LABELS:
        errors.append(FieldError("key", "the key must be one of A, B, C, D"))

    rationale = _clean(item.rationale)
    if "\x00" in item.rationale:
        errors.append(FieldError("rationale", NUL_MESSAGE))
    elif len(rationale) < MIN_RATIONALE:
        errors.append(
            FieldError(
                "rationale",
                f"explain why the key is right and each distractor wrong "
                f"(at least {MIN_RATIONALE} characters)",
            )
        )
    elif len(rationale) > MAX_RATIONALE:
        errors.append(FieldError("rationale", f"at most {MAX_RATIONALE} characters"))

    tags: list[str] = []
    if len(item.tags) > MAX_TAGS:
        errors.append(FieldError("tags", f"at most {MAX_TAGS} tags"))
    for i, raw in enumerate(item.tags):
        tag = clean_tag(raw)
        if "\x00" in raw:
            errors.append(FieldError(f"tags[{i}]", NUL_MESSAGE))
        elif not tag:
            errors.append(FieldError(f"tags[{i}]", "a tag cannot be empty"))
        elif len(tag) > MAX_TAG:
            errors.append(FieldError(f"tags[{i}]", f"a tag has at most {MAX_TAG} characters"))
        elif not _TAG_RE.match(tag):
            errors.append(FieldError(f"tags[{i}]", "letters, digits, spaces and . : / + & - only"))
        elif tag not in tags:
            tags.append(tag)

    year = item.code_set_year if item.code_set_year is not None else current_year
    if not (MIN_YEAR <= year <= current_year + 1):
        errors.append(FieldError("code_set_year", f"a year between {MIN_YEAR} and {current_year + 1}"))

    references: list[str] = []
    if len(item.references) > MAX_REFERENCES:
        errors.append(FieldError("references", f"at most {MAX_REFERENCES} references"))
    for i, raw in enumerate(item.references):
        ref = _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()
        if "\x00" in raw:
            errors.append(FieldError(f"references[{i}]", NUL_MESSAGE))
        elif not ref:
            errors.append(FieldError(f"references[{i}]", "a reference cannot be empty"))
        elif len(ref) > MAX_REFERENCE:
            errors.append(FieldError(f"references[{i}]", f"at most {MAX_REFERENCE} characters"))
        elif ref not in references:
            references.append(ref)

    if errors:
        return None, errors
    return ItemContent(
        domain=domain,
        stem=stem,
        options=tuple(cleaned),
        key=item.key,
        rationale=rationale,
        tags=tuple(tags),
        code_set_year=year,
        references=tuple(references),
    ), []
