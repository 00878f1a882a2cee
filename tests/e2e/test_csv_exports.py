"""CSV built in the browser is safe to open in a spreadsheet, with the same rule as the server's."""

from __future__ import annotations

import csv
import io

import pytest

from shared import csvcells
from tests.e2e.conftest import artifact, ui_login
from tests.support import ADMIN_PASSWORD

pytestmark = pytest.mark.e2e

HOSTILE = [
    '=HYPERLINK("https://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''+twice",
    "'plain quote",
    "-",
    "plain, with \"quotes\"",
]


async def test_the_page_side_csv_writer_neutralises_text_and_keeps_numbers(stack, page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    text = await page.evaluate(
        """async ([values]) => {
          const { toCsv } = await import("/static/scoring/tables.js");
          const columns = [{ key: "v", label: "=label" }, { key: "n", label: "n" }];
          return toCsv(columns, values.map((v) => ({ v, n: -0.12 })));
        }""",
        [HOSTILE],
    )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["'=label", "n"]
    assert [r[0] for r in rows[1:]] == [csvcells.neutralise(v) for v in HOSTILE]
    assert [csvcells.restore(r[0]) for r in rows[1:]] == HOSTILE
    assert all(r[1] == "-0.12" for r in rows[1:])  # a number is data, written as it is
    # The same bytes the server-side writer makes for the same text cells.
    for line, value in zip(text.split("\r\n")[1:], HOSTILE, strict=False):
        assert line == csvcells.row([value, -0.12]).decode().removesuffix("\r\n")


async def test_the_users_export_does_not_carry_formulas(stack, page):
    name, group = HOSTILE[0], HOSTILE[2]
    _, username, _ = await stack.new_account("candidate", display_name=name, group=group)
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/users")
    await page.get_by_label(f"Group of {username}", exact=True).wait_for()
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Export CSV (Users)").click()
    path = artifact("users.csv")
    await (await info.value).save_as(str(path))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[0] == "Username" and "Select" not in header and "Password" not in header  # controls only
    assert all(not cell.startswith(csvcells.FORMULA_START) for row in rows for cell in row)
    (mine,) = [dict(zip(header, row, strict=True)) for row in body if row[0] == username]
    assert mine["Name"] == "'" + name and csvcells.restore(mine["Name"]) == name
    assert mine["Group"] == "'" + group and csvcells.restore(mine["Group"]) == group
    assert mine["Time multiplier"] == "1"
