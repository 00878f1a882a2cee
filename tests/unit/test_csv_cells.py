"""The CSV writer every export uses: no cell a spreadsheet would run, and an exact way back."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from shared.csvcells import FORMULA_START, field, neutralise, restore, row


def read(line: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(line.decode(), newline="")))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("https://evil.example","x")', '"\'=HYPERLINK(""https://evil.example"",""x"")"'),
        ("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""),
        ("-2+3", "\"'-2+3\""),
        ("@SUM(A1)", "\"'@SUM(A1)\""),
        ("\t=1", "\"'\t=1\""),
        ("\r=1", "\"'\r=1\""),
        ("'=1", "\"''=1\""),  # a quote already there before a trigger gets one more
        ("'plain", "'plain"),  # a quote before anything else is left alone
        ("plain", "plain"),
        ("a,b", '"a,b"'),
        ("", ""),
    ],
)
def test_text_cells_that_start_a_formula_get_a_quote_and_are_quoted(text, written):
    assert field(text) == written
    assert read(row([text, "next"])) == [neutralise(text), "next"]
    assert restore(neutralise(text)) == text


def test_numbers_stay_numbers():
    assert row([-0.12, 3, -7, None, "x"]) == b"-0.12,3,-7,,x\r\n"


def test_every_short_string_round_trips_exactly_and_none_is_written_as_a_formula():
    alphabet = "'=+-@\t\ra,\"\n"
    for size in range(5):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            cell, _ = read(row([text, "next"]))
            assert not cell.startswith(FORMULA_START), repr(text)
            assert restore(cell) == text, repr(text)
