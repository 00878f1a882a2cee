"""What the search box means, as pure rules (no I/O): an item id, codes, words.

- An item id: a full uuid, or its first 8 or more hex digits (dashes optional).
- A code: ICD-10-CM ("E11.9", "e119", "S52.5" as a prefix), HCPCS Level II ("J3420"),
  a CPT number ("99213"). Codes are matched against the codes the database extracted
  from the item's text (migration 003): exactly, or by prefix for a partial code.
- Words: each word matches that word (lower case, no stemming: "laterality" never
  finds "later" or "lateral") or its plain plural; `word*` is a prefix; `"a phrase"`
  matches words in that order; `OR` between two terms; `-word` excludes.

`parse` returns the tsquery text for to_tsquery('simple', ...): every lexeme is quoted
and stripped of quotes and backslashes, so no input can change the query's shape.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec

MIN_ID_PREFIX = 8
_HEX = re.compile(r"^[0-9a-f]+$")
_UUID_SHAPE = re.compile(r"^[0-9a-f-]+$")
# A code as typed (case-insensitive, the dot optional): ICD-10-CM 3 to 7 characters,
# HCPCS Level II a letter and four digits, CPT five characters (four digits and a digit,
# F for category II or T for category III; U for PLA codes).
_ICD = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?\.?$")
_HCPCS = re.compile(r"^[A-Z][0-9]{4}$")
_CPT = re.compile(r"^[0-9]{4}[0-9FTU]$")
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD_CHARS = re.compile(r"\w", re.UNICODE)
_STRIP = str.maketrans({"'": " ", "\\": " ", ":": " ", "&": " ", "|": " ", "!": " ", "(": " ", ")": " ",
                        "<": " ", ">": " ", "*": " "})


class Terms(msgspec.Struct, frozen=True):
    """The search box's text, understood. Empty parts are None."""

    id_prefix: str | None = None  # lower-case hex digits, no dashes (the text may also be a word)
    codes: tuple[str, ...] = ()  # upper case, no dots: every one must be in the item's codes
    tsquery: str | None = None  # for to_tsquery('simple', ...)
    empty: bool = False  # the text held nothing searchable: nothing matches


def id_prefix(text: str) -> str | None:
    """The hex digits of an item id or of its first 8+ hex digits, else None."""
    t = text.strip().lower()
    if not _UUID_SHAPE.match(t) or t.startswith("-"):
        return None
    digits = t.replace("-", "")
    if len(digits) < MIN_ID_PREFIX or len(digits) > 32 or not _HEX.match(digits):
        return None
    return digits


def code_key(token: str) -> str | None:
    """The stored form of a code typed in the search box (upper case, no dot), else None."""
    t = token.strip().upper()
    if _CPT.match(t) or _HCPCS.match(t) or _ICD.match(t):
        key = t.replace(".", "")
        return key if len(key) >= 3 else None
    return None


def _lexemes(text: str) -> list[str]:
    """The words of a piece of text, as quoted tsquery operands (nothing that could be an operator)."""
    cleaned = unicodedata.normalize("NFC", text).translate(_STRIP)
    return [w for w in cleaned.split() if _WORD_CHARS.search(w)]


def _quote(word: str) -> str:
    return f"'{word.lower()}'"


def inflections(word: str) -> list[str]:
    """The word and its plain plural (or singular): only letter words of 3+ letters, never a stem."""
    w = word.lower()
    forms = [w]
    if not w.isalpha() or len(w) < 3:
        return forms
    if w.endswith("s"):
        # A plural typed: its singular too ("fractures" -> "fracture", "boxes" -> "box"),
        # but never shorten a word that is not a plural ("diagnosis", "status", "class").
        if len(w) >= 5 and w.endswith("ies"):
            forms.append(w[:-3] + "y")  # "lateralities" -> "laterality"
        elif len(w) >= 4 and not w.endswith(("ss", "us", "is")):
            forms.append(w[:-1])
            if w.endswith("es") and w[:-2].endswith(("s", "x", "z", "ch", "sh")):
                forms.append(w[:-2])
    elif len(w) >= 4 and w.endswith("y") and w[-2] not in "aeiou":
        forms.append(w[:-1] + "ies")  # "laterality" -> "lateralities"
    elif w.endswith(("x", "z", "ch", "sh")):
        forms.append(w + "es")
    else:
        forms.append(w + "s")
    return forms


def _word_clause(word: str) -> str:
    forms = inflections(word)
    if len(forms) == 1:
        return _quote(forms[0])
    return "(" + " | ".join(_quote(f) for f in forms) + ")"


def _clause(token: str) -> str | None:
    negate = token.startswith("-") and len(token) > 1
    if negate:
        token = token[1:]
    if token.startswith('"'):
        words = _lexemes(token.strip('"'))
        if not words:
            return None
        clause = " <-> ".join(_quote(w) for w in words)
        clause = f"({clause})" if len(words) > 1 else clause
    elif token.endswith("*") and len(token) > 1:
        words = _lexemes(token.rstrip("*"))
        if not words:
            return None
        clause = " & ".join(_quote(w) for w in words[:-1]) + (" & " if len(words) > 1 else "")
        clause += f"{_quote(words[-1])}:*"
        clause = f"({clause})" if len(words) > 1 else clause
    else:
        words = _lexemes(token)
        if not words:
            return None
        if len(words) == 1:
            clause = _word_clause(words[0])
        else:  # "x-ray", "e.g": the parts, in order
            clause = "(" + " <-> ".join(_quote(w) for w in words) + ")"
    return f"!{clause}" if negate else clause


def parse(q: str) -> Terms:
    text = unicodedata.normalize("NFC", q).strip()
    if not text:
        return Terms(empty=True)
    prefix = id_prefix(text)
    if prefix is not None:
        # An id, or the same characters as a word of the text: either finds the item.
        return Terms(id_prefix=prefix, tsquery=_clause(text))
    codes: list[str] = []
    parts: list[str] = []  # clauses and "|" markers, in order
    for token in _TOKEN.findall(text):
        if token == "OR":
            if parts and parts[-1] != "|":
                parts.append("|")
            continue
        key = None if token.startswith(('"', "-")) else code_key(token)
        if key is not None:
            if key not in codes:
                codes.append(key)
            continue
        clause = _clause(token)
        if clause is not None:
            parts.append(clause)
    while parts and parts[-1] == "|":
        parts.pop()
    query = ""
    for i, part in enumerate(parts):
        if part == "|":
            query += " | "
        else:
            query += part if i == 0 or parts[i - 1] == "|" else f" & {part}"
    if not codes and not query:
        return Terms(empty=True)
    # Only negations left would match nearly everything: a search must name something.
    if query and all(p.startswith("!") for p in parts if p != "|") and not codes:
        return Terms(empty=True)
    return Terms(codes=tuple(codes), tsquery=query or None)
