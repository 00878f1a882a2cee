"""Signatures on `attempt.submitted` events, so a leaked service token alone cannot write a result.

Delivery signs each event it sends with an Ed25519 private key; scoring verifies with the
matching public key before it stores or scores anything. What is signed is the exact
request body (the encoded event: event and attempt ids, candidate, blueprint, cut score,
times, and every response with its item, key, option order and answer: everything scoring
stores), behind a fixed context label so the key signs nothing else. The signature travels
in the `X-Mockcert-Event-Signature` header, base64url without padding.

Keys travel as base64url of their raw 32 bytes: the private seed for delivery
(`MOCKCERT_EVENT_SIGNING_KEY`) and the public key for scoring (`MOCKCERT_EVENT_VERIFY_KEY`).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SIGNATURE_HEADER = "X-Mockcert-Event-Signature"
CONTEXT = b"mockcert attempt.submitted v1\n"
_SIGNATURE_BYTES = 64
_KEY_BYTES = 32


class EventKeyError(ValueError):
    pass


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str, size: int, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise EventKeyError(f"{what} is not base64url") from None
    if len(raw) != size:
        raise EventKeyError(f"{what} must be {size} bytes (base64url), got {len(raw)}")
    return raw


def new_signing_key() -> str:
    """A fresh private key: the base64url raw 32-byte seed."""
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return _b64encode(raw)


def signing_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_b64decode(text, _KEY_BYTES, "the event signing key"))


def verify_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(_b64decode(text, _KEY_BYTES, "the event verify key"))
    except ValueError as exc:
        raise EventKeyError(str(exc)) from None


def verify_key_for(signing_key_text: str) -> str:
    """The public key (base64url raw 32 bytes) that checks what this signing key signs."""
    public = signing_key(signing_key_text).public_key()
    return _b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(signing_key_text: str, body: bytes) -> str:
    """The signature of an event body, for the `X-Mockcert-Event-Signature` header."""
    return _b64encode(signing_key(signing_key_text).sign(CONTEXT + body))


def verify(verify_key_text: str, body: bytes, signature: str | None) -> bool:
    """True only when `signature` is the signing key's signature of exactly these bytes."""
    if not verify_key_text or not signature:
        return False
    try:
        raw = _b64decode(signature, _SIGNATURE_BYTES, "the signature")
        verify_key(verify_key_text).verify(raw, CONTEXT + body)
    except (EventKeyError, InvalidSignature):
        return False
    return True


def main() -> None:
    """`python -m shared.event_signing`: a fresh key pair, as the lines of an .env file."""
    import sys

    key = new_signing_key()
    sys.stdout.write(f"MOCKCERT_EVENT_SIGNING_KEY={key}\nMOCKCERT_EVENT_VERIFY_KEY={verify_key_for(key)}\n")


if __name__ == "__main__":
    main()
