import datetime as dt

import jwt
import pytest

from shared import event_signing
from shared.auth import decode_token, issue_service_token, issue_user_token
from shared.errors import Problem
from shared.settings import SettingsError, load_settings

BASE = {"DATABASE_URL": "postgresql://x/y"}
EVENT_KEY = event_signing.new_signing_key()
GOOD = {"MOCKCERT_JWT_SECRET": "a" * 40, "MOCKCERT_SERVICE_SECRET": "b" * 40,
        "MOCKCERT_EVENT_SIGNING_KEY": EVENT_KEY, "MOCKCERT_EVENT_VERIFY_KEY": event_signing.verify_key_for(EVENT_KEY)}


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"MOCKCERT_JWT_SECRET": "", "MOCKCERT_SERVICE_SECRET": "b" * 40},
        {"MOCKCERT_SERVICE_SECRET": "b" * 40},
        {"MOCKCERT_JWT_SECRET": "short", "MOCKCERT_SERVICE_SECRET": "b" * 40},
        {"MOCKCERT_JWT_SECRET": "a" * 40, "MOCKCERT_SERVICE_SECRET": "a" * 40},
    ],
)
def test_production_refuses_default_or_weak_secrets(env):
    with pytest.raises(SettingsError):
        load_settings("scoring", {**BASE, **{k: v for k, v in GOOD.items() if "EVENT" in k}, **env})


def test_no_mode_has_a_built_in_secret():
    """Demo mode gets random secrets from `mockcert run` (mockcert/demo_secrets.py); without them no service
    starts, in any mode, rather than sign tokens with a secret anyone could know."""
    for mode in ("demo", "production"):
        with pytest.raises(SettingsError, match="MOCKCERT_JWT_SECRET"):
            load_settings("scoring", {**BASE, "MOCKCERT_MODE": mode})
    demo = load_settings("scoring", {**BASE, "MOCKCERT_MODE": "demo", "MOCKCERT_JWT_SECRET": "j" * 40,
                                     "MOCKCERT_SERVICE_SECRET": "s" * 40})
    assert demo.demo and demo.jwt_secret == "j" * 40
    settings = load_settings("scoring", {**BASE, **GOOD})
    assert not settings.demo and settings.jwt_secret == "a" * 40


def test_event_keys_are_required_where_used_and_checked_when_set():
    secrets = {k: v for k, v in GOOD.items() if "EVENT" not in k}
    with pytest.raises(SettingsError, match="MOCKCERT_EVENT_SIGNING_KEY"):
        load_settings("exam-delivery", {**BASE, **secrets})
    with pytest.raises(SettingsError, match="MOCKCERT_EVENT_VERIFY_KEY"):
        load_settings("scoring", {**BASE, **secrets})
    assert load_settings("item-bank", {**BASE, **secrets}).event_signing_key == ""
    delivery = load_settings("exam-delivery", {**BASE, **secrets, "MOCKCERT_EVENT_SIGNING_KEY": EVENT_KEY})
    assert delivery.event_signing_key == EVENT_KEY
    for bad in ("not-a-key", EVENT_KEY[:-4], "A" * 60):
        with pytest.raises(SettingsError, match="event key"):
            load_settings("exam-delivery", {**BASE, **secrets, "MOCKCERT_EVENT_SIGNING_KEY": bad})
        with pytest.raises(SettingsError, match="event key"):
            load_settings("scoring", {**BASE, **secrets, "MOCKCERT_EVENT_VERIFY_KEY": bad})


def test_missing_database_and_bad_numbers_are_refused():
    with pytest.raises(SettingsError):
        load_settings("scoring", GOOD)
    with pytest.raises(SettingsError):
        load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_SCORING_PORT": "eighty"})


@pytest.fixture
def settings():
    return load_settings("item-bank", {**BASE, **GOOD})


def test_user_token_round_trip(settings):
    token, expires = issue_user_token(settings, "u1", "instructor", "ann")
    who = decode_token(settings, token)
    assert (who.id, who.role, who.username) == ("u1", "instructor", "ann")
    assert expires > dt.datetime.now(dt.UTC)


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_expired_token_refused(settings):
    token, _ = issue_user_token(settings, "u1", "admin", "root")
    claims = _claims(token) | {"exp": 1_000_000, "iat": 999_000}
    expired = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Problem) as err:
        decode_token(settings, expired)
    assert err.value.status == 401 and "expired" in err.value.detail


def test_tampered_token_refused(settings):
    token, _ = issue_user_token(settings, "u1", "candidate", "cat")
    header, payload, signature = token.split(".")
    forged_payload = jwt.encode(_claims(token) | {"role": "admin"}, "x" * 40, algorithm="HS256").split(".")[1]
    for bad in (f"{header}.{forged_payload}.{signature}", token[:-3] + "AAA", "not-a-token"):
        with pytest.raises(Problem) as err:
            decode_token(settings, bad)
        assert err.value.status == 401


def test_alg_none_and_other_secret_refused(settings):
    token, _ = issue_user_token(settings, "u1", "candidate", "cat")
    unsigned = jwt.encode(_claims(token) | {"role": "admin"}, None, algorithm="none")
    other = jwt.encode(_claims(token), "z" * 40, algorithm="HS256")
    for bad in (unsigned, other):
        with pytest.raises(Problem):
            decode_token(settings, bad)


def test_service_and_user_credentials_cannot_stand_in_for_each_other(settings):
    service = issue_service_token(settings)
    assert decode_token(settings, service).role == "service"
    # A user token relabelled as a service token fails: it is signed with the user secret.
    token, _ = issue_user_token(settings, "u1", "admin", "root")
    relabelled = jwt.encode(_claims(token) | {"typ": "service", "role": "service"}, settings.jwt_secret,
                            algorithm="HS256")
    with pytest.raises(Problem):
        decode_token(settings, relabelled)
    # And a service-signed token claiming a user role is refused.
    as_user = jwt.encode(_claims(service) | {"typ": "user", "role": "admin"}, settings.service_secret,
                         algorithm="HS256")
    with pytest.raises(Problem):
        decode_token(settings, as_user)


def test_token_generation_travels_in_the_token_and_must_be_an_integer(settings):
    token, _ = issue_user_token(settings, "u1", "candidate", "cat", gen=3)
    assert decode_token(settings, token).gen == 3
    for bad in ("3", 3.0, None, [3]):
        forged = jwt.encode(_claims(token) | {"gen": bad}, settings.jwt_secret, algorithm="HS256")
        with pytest.raises(Problem) as err:
            decode_token(settings, forged)
        assert err.value.status == 401


def test_revocations_refuse_tokens_below_the_holders_generation():
    from shared.auth import Principal
    from shared.revocation import Revocation, Revocations

    revocations = Revocations()
    old, new, other = Principal("u1", "admin", gen=0), Principal("u1", "admin", gen=1), Principal("u2", "admin")
    assert not revocations.revoked(old)
    revocations.apply([Revocation("u1", 1, 5)])
    assert revocations.revoked(old) and not revocations.revoked(new) and not revocations.revoked(other)
    revocations.apply([Revocation("u1", 2, 9), Revocation("u1", 1, 7)])  # out of order: the highest wins
    assert revocations.revoked(new) and revocations.cursor == 9
