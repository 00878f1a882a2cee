"""Small-cell suppression of option-level item statistics, without a database."""

from __future__ import annotations

from scoring.analysis import schemas as s
from scoring.analysis.disclosure import OPTION_MIN_N, small_cells_withheld


def row(n: int) -> s.ItemStatsOut:
    options = [s.OptionStats(label=lbl, share=0.25 if lbl != "omit" else 0.0, r_rest=0.1, key=lbl == "B")
               for lbl in ("A", "B", "C", "D", "omit")]
    return s.ItemStatsOut(item_id="i", version=1, domain="EM", n=n, p=0.25, p_ci_low=0.1, p_ci_high=0.5,
                          r_pb=0.2, r_pb_corrected=0.1, r_ci_low=None, r_ci_high=None, upper_lower=None,
                          alpha_if_deleted=None, options=options, flags=[])


def test_below_the_floor_shares_and_correlations_are_withheld_and_the_row_says_why():
    for n in (1, OPTION_MIN_N - 1):
        out = small_cells_withheld(row(n))
        assert out.options_suppressed and out.suppression_reason and str(OPTION_MIN_N) in out.suppression_reason
        assert [(o.label, o.key, o.share, o.r_rest) for o in out.options] == [
            ("A", False, None, None), ("B", True, None, None), ("C", False, None, None),
            ("D", False, None, None), ("omit", False, None, None),
        ]
        assert (out.n, out.p, out.r_pb) == (n, 0.25, 0.2)


def test_at_the_floor_the_row_is_unchanged():
    original = row(OPTION_MIN_N)
    out = small_cells_withheld(original)
    assert out == original and not out.options_suppressed and out.suppression_reason is None
