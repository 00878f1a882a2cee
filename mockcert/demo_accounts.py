"""`demo-accounts.json` in the data folder: the accounts `mockcert run` created on its first start
in demo mode, with their passwords, so every start can show them (owner-only, like the secrets).

One object per account with named fields:
    [{"username": "admin", "password": "…", "role": "admin", "display_name": "Demo Admin"}, …]
A file of the older form (a list of `[username, password, role]` arrays) is still read."""

from __future__ import annotations

from pathlib import Path

import msgspec

from mockcert import demo_secrets

FILE_NAME = "demo-accounts.json"


class DemoAccount(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    role: str
    display_name: str = ""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(list[DemoAccount | tuple[str, str, str]])


def path_in(folder: Path) -> Path:
    return folder / FILE_NAME


def parse(data: bytes) -> list[DemoAccount]:
    """The accounts of a file, either form; ValueError when it is neither."""
    try:
        rows = _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{FILE_NAME}: {exc}") from None
    return [r if isinstance(r, DemoAccount) else DemoAccount(*r) for r in rows]


def read(folder: Path) -> list[DemoAccount]:
    """The accounts kept in the folder; none when there is no file or it cannot be read."""
    try:
        return parse(path_in(folder).read_bytes())
    except (OSError, ValueError):
        return []


def write(folder: Path, accounts: list[DemoAccount]) -> None:
    demo_secrets.write_private(path_in(folder), msgspec.json.format(_encoder.encode(accounts), indent=1))


def password_of(folder: Path, username: str) -> str:
    return next((a.password for a in read(folder) if a.username == username), "")
