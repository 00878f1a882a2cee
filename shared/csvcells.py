"""CSV the product writes, safe to open in a spreadsheet. Pure.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, tab or carriage
return as a formula (`=HYPERLINK(...)`, `+cmd|...`). As OWASP recommends, such a
text cell is written with a leading single quote (`'=HYPERLINK(...)`), and the
field is quoted. Text that already begins with one or more quotes followed by one
of those characters gets one more quote too, so that `restore` gives back the
original text exactly, whatever it was:

    restore(neutralise(s)) == s   for every string s

Numbers written as numbers (int, float) are data, not formulas: `-0.12` stays
`-0.12`, so a spreadsheet still sums it. Only text cells are neutralised.

The same rule, for the CSV built in the browser, is in shared/static/csv.js.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = re.compile(r"'*[=+\-@\t\r]")  # text a spreadsheet would run, behind any number of quotes
_RESTORE = re.compile(r"''*[=+\-@\t\r]")  # the same with the quote `neutralise` added


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading quote where needed."""
    return "'" + text if _ESCAPE.match(text) else text


def restore(text: str) -> str:
    """The text `neutralise` was given: the added leading quote taken off."""
    return text[1:] if _RESTORE.match(text) else text


def field(value: Any) -> str:
    """One CSV field (RFC 4180). Numbers are written as numbers, None as empty, and
    text is neutralised; a text field is quoted when it holds a comma, a quote or a
    line break, and always when it was neutralised."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    text = str(value)
    safe = neutralise(text)
    if safe != text or any(c in safe for c in ',"\r\n'):
        return '"' + safe.replace('"', '""') + '"'
    return safe


def row(values: Iterable[Any]) -> bytes:
    """One CSV line (CRLF-terminated) as UTF-8 bytes."""
    return (",".join(field(v) for v in values) + "\r\n").encode()
