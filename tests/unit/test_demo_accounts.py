"""demo-accounts.json holds one object per account with named fields; a file of the older
form (arrays) is still read; the file is owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from mockcert import demo_accounts
from mockcert.demo_accounts import DemoAccount


def test_written_as_objects_with_named_fields(tmp_path: Path) -> None:
    accounts = [DemoAccount("admin", "pw-admin-1", "admin", "Demo Admin"),
                DemoAccount("reviewer", "pw-rev-22", "instructor", "Demo Reviewer")]
    demo_accounts.write(tmp_path, accounts)
    path = tmp_path / "demo-accounts.json"
    assert json.loads(path.read_text()) == [
        {"username": "admin", "password": "pw-admin-1", "role": "admin", "display_name": "Demo Admin"},
        {"username": "reviewer", "password": "pw-rev-22", "role": "instructor", "display_name": "Demo Reviewer"},
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_accounts.read(tmp_path) == accounts
    assert demo_accounts.password_of(tmp_path, "reviewer") == "pw-rev-22"
    assert demo_accounts.password_of(tmp_path, "nobody") == ""


def test_the_older_array_form_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "demo-accounts.json").write_text('[["admin", "pw", "admin"], ["candidate1", "c1", "candidate"]]')
    assert demo_accounts.read(tmp_path) == [DemoAccount("admin", "pw", "admin"),
                                            DemoAccount("candidate1", "c1", "candidate")]
    assert demo_accounts.password_of(tmp_path, "candidate1") == "c1"


@pytest.mark.parametrize("text", ['{"admin": "pw"}', '[{"username": "a"}]', "not json", '[["a", "b"]]'])
def test_a_file_of_neither_form_reads_as_no_accounts(tmp_path: Path, text: str) -> None:
    (tmp_path / "demo-accounts.json").write_text(text)
    assert demo_accounts.read(tmp_path) == []
    with pytest.raises(ValueError, match="demo-accounts.json"):
        demo_accounts.parse(text.encode())


def test_no_file_is_no_accounts(tmp_path: Path) -> None:
    assert demo_accounts.read(tmp_path) == []


def test_the_readme_lists_every_demo_account() -> None:
    from exam_delivery.accounts.service import DEMO_ACCOUNTS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Demo accounts", 1)[1].split("\n#", 1)[0]
    for username, role, _name in DEMO_ACCOUNTS:
        row = next((line for line in table.splitlines() if f"`{username}`" in line), "")
        assert row and f"| {role} |" in row, f"README's demo accounts miss {username} ({role})"
