"""The 17 content areas' names are readable by every signed-in user: the candidate's
review grid names each question's area (never its internal code such as CPT-20000)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("role", ["candidate", "instructor", "admin"])
async def test_every_signed_in_user_reads_the_area_names(stack, role):
    _, token = await stack.new_user(role)
    status, body = await stack.request("GET", "/api/domains", token)
    assert status == 200 and len(body) == 17, body
    names = {d["code"]: d["name"] for d in body}
    assert names["CPT-20000"] and names["CPT-20000"] != "CPT-20000"
    assert names["GUIDE"] and names["GUIDE"] != "GUIDE"
    # Names and counts only: nothing of an item.
    assert all(set(d) <= {"code", "name", "classic_count", "current_count"} for d in body), body


async def test_anonymous_callers_get_no_area_names(stack):
    status, body = await stack.request("GET", "/api/domains")
    assert status == 401, body
