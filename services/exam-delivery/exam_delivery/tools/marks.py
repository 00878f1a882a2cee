"""The tools' rules, pure (no I/O): struck labels as a set, highlights sorted and merged
within the stem."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exam_delivery.tools.schemas import Highlight
from shared.contracts import LABELS
from shared.errors import FieldError


def struck_set(labels: Iterable[str]) -> list[str]:
    """The labels once each, in A-D order."""
    chosen = set(labels)
    return [label for label in LABELS if label in chosen]


def merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges sorted, those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def highlight_ranges(
    highlights: Sequence[Highlight], stem_length: int
) -> tuple[list[tuple[int, int]], list[FieldError]]:
    """The highlights as merged ranges of a stem of `stem_length` code points, or the errors naming
    each range that is empty, reversed or beyond the stem."""
    errors = []
    for i, h in enumerate(highlights):
        if h.end <= h.start:
            errors.append(FieldError(f"highlights[{i}].end", f"must be greater than start ({h.start})"))
        elif h.end > stem_length:
            errors.append(
                FieldError(f"highlights[{i}].end", f"is beyond the question's text ({stem_length} characters)")
            )
    if errors:
        return [], errors
    return merged((h.start, h.end) for h in highlights), []
