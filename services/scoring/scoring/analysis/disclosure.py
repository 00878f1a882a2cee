"""Small-cell suppression of option-level item statistics. Pure.

An option's share (and its correlation with the rest score) over a handful of
responses tells who chose what: with one response it is that candidate's exact
choice. So option-level data is shown only for an item version answered at
least `OPTION_MIN_N` times, whatever the query asks (`min_n` only filters whole
rows) and whoever asks, admins included: the rule protects candidates, not a
role. Below the floor each option keeps its label and whether it is the key,
its share and r with rest are withheld (null), and the row says so and why.
Item-level aggregates (n, p, r_pb, ...) follow their own rules.
"""

from __future__ import annotations

import msgspec

from scoring.analysis import schemas as s

OPTION_MIN_N = 10


def reason(floor: int = OPTION_MIN_N) -> str:
    return (
        f"fewer than {floor} responses: option shares and correlations are withheld "
        "so that no candidate's choice can be read from them"
    )


def small_cells_withheld(item: s.ItemStatsOut, floor: int = OPTION_MIN_N) -> s.ItemStatsOut:
    """The row as it may be shown: option-level data withheld below the floor."""
    if item.n >= floor:
        return item
    options = [s.OptionStats(label=o.label, share=None, r_rest=None, key=o.key) for o in item.options]
    return msgspec.structs.replace(item, options=options, options_suppressed=True, suppression_reason=reason(floor))
