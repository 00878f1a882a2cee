import datetime as dt

import jwt
import msgspec
import pytest

from shared import event_signing
from shared.auth import decode_token, issue_service_token, issue_user_token
from shared.errors import Problem
from shared.settings import DEFAULT_PORTS, ENV_SOURCES, SERVICE_NAMES, Settings, SettingsError, load_settings

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


def test_every_setting_but_the_service_name_is_read_from_a_variable():
    assert set(ENV_SOURCES) == {f.name for f in msgspec.structs.fields(Settings)} - {"service"}


def test_unset_variables_leave_the_structs_own_defaults():
    """Each default is written once, in the struct; only the port (the service's own) and the sample
    bank (seeded in demo mode) depend on which service runs in which mode."""
    for service in SERVICE_NAMES:
        loaded = load_settings(service, {**BASE, **GOOD})
        expected = Settings(service=service, port=DEFAULT_PORTS[service], database_url=BASE["DATABASE_URL"],
                            jwt_secret=GOOD["MOCKCERT_JWT_SECRET"], service_secret=GOOD["MOCKCERT_SERVICE_SECRET"],
                            event_signing_key=EVENT_KEY, event_verify_key=GOOD["MOCKCERT_EVENT_VERIFY_KEY"])
        assert loaded == expected
    demo = load_settings("item-bank", {**BASE, **GOOD, "MOCKCERT_MODE": "demo"})
    assert demo.seed_sample_bank
    assert not load_settings("item-bank", {**BASE, **GOOD, "MOCKCERT_MODE": "demo",
                                           "MOCKCERT_SEED_SAMPLE_BANK": "0"}).seed_sample_bank


@pytest.mark.parametrize("field", sorted(ENV_SOURCES))
def test_each_variable_reaches_its_setting(field):
    kind = {f.name: f.type for f in msgspec.structs.fields(Settings)}[field]
    value = {str: "postgresql://other/db", int: 7, float: 0.25, bool: False}[kind]
    if field == "mode":
        value = "demo"
    if field in ("jwt_secret", "service_secret"):
        value = "c" * 40 if field == "jwt_secret" else "d" * 40
    if field in ("event_signing_key", "event_verify_key"):
        value = GOOD["MOCKCERT_EVENT_SIGNING_KEY" if field == "event_signing_key" else "MOCKCERT_EVENT_VERIFY_KEY"]
    name = ENV_SOURCES[field][0].format(SERVICE="SCORING")
    text = {True: "on", False: "off"}[value] if kind is bool else f" {value} " if kind is not str else str(value)
    loaded = load_settings("scoring", {**BASE, **GOOD, name: text})
    assert getattr(loaded, field) == value


def test_a_services_host_falls_back_to_the_common_variable():
    assert load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_HOST": "0.0.0.0"}).host == "0.0.0.0"
    both = {"MOCKCERT_HOST": "0.0.0.0", "MOCKCERT_SCORING_HOST": "10.0.0.5"}
    assert load_settings("scoring", {**BASE, **GOOD, **both}).host == "10.0.0.5"
    # Another service's own variable is not this one's.
    assert load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_ITEM_BANK_PORT": "9000"}).port == 8083


def test_a_malformed_value_is_refused_naming_its_variable():
    with pytest.raises(SettingsError, match="MOCKCERT_SCORING_DB_POOL_MAX"):
        load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_SCORING_DB_POOL_MAX": "ten"})
    with pytest.raises(SettingsError, match="MOCKCERT_EXPOSURE_MAX_SHARE"):
        load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_EXPOSURE_MAX_SHARE": "half"})
    # A switch spelled neither yes nor no is a mistake to say at boot, not a silent "off".
    with pytest.raises(SettingsError, match="MOCKCERT_SHUFFLE_OPTIONS"):
        load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_SHUFFLE_OPTIONS": "ture"})
    for text, value in (("YES", True), ("1", True), ("true", True), ("no", False), ("", False), ("0", False)):
        assert load_settings("scoring", {**BASE, **GOOD, "MOCKCERT_SHUFFLE_OPTIONS": text}).shuffle_options is value


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
