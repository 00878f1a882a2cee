"""The signing secrets of a demo instance: random, made on its first start, kept in its data folder.

No secret is in the source. `mockcert run` in demo mode reads `secrets.json` from the data folder,
or makes it: a JWT secret, a service-token secret and the Ed25519 key of the submission events,
written to a file created with mode 0600 (never readable by others, not even for a moment) and
moved into place atomically, so a second start reuses the same values and tokens stay valid across
restarts. Deleting the file rotates them all on the next start (every session then ends).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import msgspec

from shared import event_signing

FILE_NAME = "secrets.json"


class DamagedSecrets(ValueError):
    pass


class DemoSecrets(msgspec.Struct):
    jwt_secret: str
    service_secret: str
    event_signing_key: str

    @property
    def event_verify_key(self) -> str:
        return event_signing.verify_key_for(self.event_signing_key)


def secrets_path(folder: Path) -> Path:
    return folder / FILE_NAME


def generate() -> DemoSecrets:
    return DemoSecrets(jwt_secret=secrets.token_urlsafe(48), service_secret=secrets.token_urlsafe(48),
                       event_signing_key=event_signing.new_signing_key())


def read(folder: Path) -> DemoSecrets:
    """The secrets kept in `folder` (what benches and tests that mint tokens for a demo instance use)."""
    path = secrets_path(folder)
    try:
        kept = msgspec.json.decode(path.read_bytes(), type=DemoSecrets)
        event_signing.signing_key(kept.event_signing_key)
    except (msgspec.DecodeError, msgspec.ValidationError, event_signing.EventKeyError) as exc:
        raise DamagedSecrets(f"{path} is damaged ({exc}); delete it to make new secrets") from None
    if min(len(kept.jwt_secret), len(kept.service_secret)) < 32 or kept.jwt_secret == kept.service_secret:
        raise DamagedSecrets(f"{path}: secrets too short or equal; delete it to make new secrets")
    return kept


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (replacing it) so that it is never readable by others, not even for
    a moment: a temporary file created with mode 0600, then renamed into place."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_or_create(folder: Path) -> tuple[DemoSecrets, bool]:
    """The folder's secrets, made on first use; (secrets, whether they were just made)."""
    path = secrets_path(folder)
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # someone loosened it: close it again before reading
        return read(folder), False
    folder.mkdir(parents=True, exist_ok=True)
    made = generate()
    tmp = folder / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    # O_EXCL + mode 0600 at creation: the file never exists with wider permissions.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(msgspec.to_builtins(made), indent=1).encode())
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces secrets another start made meanwhile
        except FileExistsError:
            return read(folder), False
        except OSError:
            os.replace(tmp, path)  # a file system without hard links: still atomic
    finally:
        tmp.unlink(missing_ok=True)
    return made, True
