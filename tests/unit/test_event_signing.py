"""The event signature (shared/event_signing.py): what delivery signs, scoring accepts, and nothing else."""

from __future__ import annotations

import msgspec
import pytest

from shared import event_signing as es
from shared.contracts import AttemptSubmitted, SubmittedResponse


def event(selected: str | None) -> bytes:
    response = SubmittedResponse(position=1, item_id="i-1", item_version=1, domain="ICD", key="B", selected=selected)
    return msgspec.json.encode(AttemptSubmitted(
        event_id="e-1", attempt_id="a-1", candidate_id="c-1", blueprint_id="cpc-100", blueprint_name="CPC",
        cut_score_percent=70.0, time_limit_seconds=14400, started_at="2026-11-22T10:00:00Z",
        submitted_at="2026-11-22T12:00:00Z", submitted_by="candidate", responses=[response]))


def test_a_signature_covers_every_byte_of_the_event():
    key = es.new_signing_key()
    public = es.verify_key_for(key)
    body = event("A")
    signature = es.sign(key, body)
    assert es.verify(public, body, signature)
    assert not es.verify(public, event("B"), signature)  # other answers
    assert not es.verify(public, body.replace(b"c-1", b"c-2"), signature)  # another candidate
    assert not es.verify(public, body + b" ", signature)
    assert not es.verify(public, body, None) and not es.verify(public, body, "")
    assert not es.verify(public, body, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA"))
    assert not es.verify(public, body, "not base64 at all!")
    assert not es.verify("", body, signature)  # no verify key: nothing is accepted
    # Another key pair's signature, or the key's signature of the bare body (no context label), fails.
    assert not es.verify(public, body, es.sign(es.new_signing_key(), body))
    raw = es.signing_key(key).sign(body)
    assert not es.verify(public, body, es._b64encode(raw))


def test_keys_are_random_32_bytes_and_damaged_ones_are_refused():
    keys = {es.new_signing_key() for _ in range(20)}
    assert len(keys) == 20
    key = keys.pop()
    assert len(es._b64decode(key, 32, "key")) == 32 and len(es._b64decode(es.verify_key_for(key), 32, "key")) == 32
    for bad in ("", "short", key[:-3], key + "AAAA", "*" * 43):
        with pytest.raises(es.EventKeyError):
            es.signing_key(bad)
        with pytest.raises(es.EventKeyError):
            es.verify_key(bad)
