"""Settings read from the environment once, at boot, and checked there.

One struct serves every service, and it holds every default, once: `load_settings`
gathers the variables that are set (`ENV_SOURCES` names each setting's variables)
and decodes them into the struct with `msgspec.convert`, so a variable that is not
set leaves the struct's default. Each service reads its host, port and pool size
from its own prefix (`MOCKCERT_ITEM_BANK_PORT`, ...); the two defaults that depend
on the service or the mode (the port, seeding the sample bank in demo mode) are in
`_context_defaults`. A default or empty signing secret is refused outside demo mode,
so a forgotten variable never reaches production. No secret has a default in the
source: `mockcert run` makes random ones for demo mode and keeps them in the data
folder (see mockcert/demo_secrets.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec

from shared import event_signing

SERVICE_NAMES = ("item-bank", "exam-delivery", "scoring")
DEFAULT_PORTS = MappingProxyType({"item-bank": 8081, "exam-delivery": 8082, "scoring": 8083})


class SettingsError(ValueError):
    pass


class Settings(msgspec.Struct, kw_only=True):
    service: str = "item-bank"
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORTS["item-bank"]  # load_settings: the service's own (DEFAULT_PORTS)
    database_url: str = ""
    mode: str = "production"  # "demo" relaxes the secret checks and creates demo accounts
    log_level: str = "INFO"  # DEBUG adds a line per request
    jwt_secret: str = ""
    service_secret: str = ""
    # Ed25519 keys of the `attempt.submitted` events (base64url raw 32 bytes): delivery signs
    # with the private seed, scoring verifies with the public key (see shared/event_signing.py).
    event_signing_key: str = ""
    event_verify_key: str = ""
    token_ttl_seconds: int = 24 * 3600  # longer than the longest exam at the largest accommodation (4x)
    max_body_bytes: int = 1 << 20
    max_import_bytes: int = 32 << 20
    item_bank_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['item-bank']}"
    delivery_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['exam-delivery']}"
    scoring_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['scoring']}"
    db_pool_min: int = 2
    db_pool_max: int = 10
    # DATABASE_URL names PgBouncer in transaction mode (or another transaction pooler): asyncpg's
    # statement cache off, no reset query, statement names unique (shared/db.py `pool_options`).
    pgbouncer: bool = False
    # PostgreSQL itself, bypassing the pooler: the migrations run there when it is set.
    direct_database_url: str = ""
    admin_user: str = ""
    admin_password: str = ""
    seed_sample_bank: bool = False  # load_settings: True in demo mode unless the variable says
    instance: str = ""
    # Background work: how often each loop looks for work (seconds).
    sweep_interval_seconds: float = 1.0
    feed_poll_seconds: float = 2.0
    outbox_poll_seconds: float = 1.0
    stats_refresh_seconds: float = 10.0
    revocation_poll_seconds: float = 1.0
    # Form assembly.
    shuffle_options: bool = True
    exposure_max_share: float = 0.5
    exposure_window: int = 200
    current_code_set_year: int = 2026
    # Attempt policy of a blueprint without its own (admins set one per blueprint).
    attempt_cooldown_seconds: int = 3600

    @property
    def demo(self) -> bool:
        return self.mode == "demo"

    def check(self) -> None:
        if self.service not in SERVICE_NAMES:
            raise SettingsError(f"unknown service {self.service!r}")
        if not self.database_url:
            raise SettingsError("DATABASE_URL is required")
        if self.attempt_cooldown_seconds < 0:
            raise SettingsError("MOCKCERT_ATTEMPT_COOLDOWN_SECONDS must be 0 or more")
        if self.mode not in ("demo", "production"):
            raise SettingsError("MOCKCERT_MODE must be 'demo' or 'production'")
        # No built-in secret exists, in any mode: demo mode gets random ones from `mockcert run`.
        for name, value in (
            ("MOCKCERT_JWT_SECRET", self.jwt_secret),
            ("MOCKCERT_SERVICE_SECRET", self.service_secret),
        ):
            if not value:
                raise SettingsError(
                    f"{name} is not set (demo mode: start with `mockcert run`, which makes the secrets)"
                )
            if not self.demo and len(value) < 32:
                raise SettingsError(f"{name} must be set to a secret of at least 32 characters outside demo mode")
        if not self.demo and self.jwt_secret == self.service_secret:
            raise SettingsError("MOCKCERT_JWT_SECRET and MOCKCERT_SERVICE_SECRET must differ")
        self._check_event_keys()

    def _check_event_keys(self) -> None:
        """Delivery needs the signing key, scoring the verify key; a key that is set must parse."""
        try:
            if self.event_signing_key:
                event_signing.signing_key(self.event_signing_key)
            if self.event_verify_key:
                event_signing.verify_key(self.event_verify_key)
        except event_signing.EventKeyError as exc:
            raise SettingsError(f"invalid event key: {exc}") from None
        if self.demo:
            return
        if self.service == "exam-delivery" and not self.event_signing_key:
            raise SettingsError("MOCKCERT_EVENT_SIGNING_KEY is required by exam-delivery outside demo mode")
        if self.service == "scoring" and not self.event_verify_key:
            raise SettingsError("MOCKCERT_EVENT_VERIFY_KEY is required by scoring outside demo mode")


# Where each setting is read from: the variables tried in order ("{SERVICE}" is the service's
# own prefix, e.g. ITEM_BANK). `service` is not read: it is the process's own name.
ENV_SOURCES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "host": ("MOCKCERT_{SERVICE}_HOST", "MOCKCERT_HOST"),
    "port": ("MOCKCERT_{SERVICE}_PORT",),
    "database_url": ("DATABASE_URL",),
    "mode": ("MOCKCERT_MODE",),
    "log_level": ("MOCKCERT_LOG_LEVEL",),
    "jwt_secret": ("MOCKCERT_JWT_SECRET",),
    "service_secret": ("MOCKCERT_SERVICE_SECRET",),
    "event_signing_key": ("MOCKCERT_EVENT_SIGNING_KEY",),
    "event_verify_key": ("MOCKCERT_EVENT_VERIFY_KEY",),
    "token_ttl_seconds": ("MOCKCERT_TOKEN_TTL_SECONDS",),
    "max_body_bytes": ("MOCKCERT_MAX_BODY_BYTES",),
    "max_import_bytes": ("MOCKCERT_MAX_IMPORT_BYTES",),
    "item_bank_url": ("MOCKCERT_ITEM_BANK_URL",),
    "delivery_url": ("MOCKCERT_EXAM_DELIVERY_URL",),
    "scoring_url": ("MOCKCERT_SCORING_URL",),
    "db_pool_min": ("MOCKCERT_{SERVICE}_DB_POOL_MIN",),
    "db_pool_max": ("MOCKCERT_{SERVICE}_DB_POOL_MAX",),
    "pgbouncer": ("MOCKCERT_PGBOUNCER",),
    "direct_database_url": ("MOCKCERT_DIRECT_DATABASE_URL",),
    "admin_user": ("MOCKCERT_ADMIN_USER",),
    "admin_password": ("MOCKCERT_ADMIN_PASSWORD",),
    "seed_sample_bank": ("MOCKCERT_SEED_SAMPLE_BANK",),
    "instance": ("MOCKCERT_INSTANCE",),
    "sweep_interval_seconds": ("MOCKCERT_SWEEP_INTERVAL_SECONDS",),
    "feed_poll_seconds": ("MOCKCERT_FEED_POLL_SECONDS",),
    "outbox_poll_seconds": ("MOCKCERT_OUTBOX_POLL_SECONDS",),
    "stats_refresh_seconds": ("MOCKCERT_STATS_REFRESH_SECONDS",),
    "revocation_poll_seconds": ("MOCKCERT_REVOCATION_POLL_SECONDS",),
    "shuffle_options": ("MOCKCERT_SHUFFLE_OPTIONS",),
    "exposure_max_share": ("MOCKCERT_EXPOSURE_MAX_SHARE",),
    "exposure_window": ("MOCKCERT_EXPOSURE_WINDOW",),
    "current_code_set_year": ("MOCKCERT_CODE_SET_YEAR",),
    "attempt_cooldown_seconds": ("MOCKCERT_ATTEMPT_COOLDOWN_SECONDS",),
})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_FIELD_TYPES: Mapping[str, Any] = MappingProxyType({f.name: f.type for f in msgspec.structs.fields(Settings)})
_ERROR_PATH = re.compile(r"at `\$\.(\w+)`")


def _env_name(service: str) -> str:
    return service.upper().replace("-", "_")


def _context_defaults(service: str, mode: str) -> dict[str, Any]:
    """The defaults that depend on which service runs and in which mode; the variables override them."""
    return {"port": DEFAULT_PORTS.get(service, 0), "seed_sample_bank": mode == "demo"}  # unknown: check() refuses


def _env_value(field: str, name: str, raw: str) -> Any:
    """The variable's text as msgspec should see it: numbers without surrounding blanks, and the
    usual spellings of yes and no for switches (anything else is refused, naming the variable)."""
    kind = _FIELD_TYPES[field]
    if kind is str:
        return raw
    value = raw.strip()
    if kind is bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise SettingsError(f"invalid setting: {name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")
    return value


def load_settings(service: str, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    prefix = _env_name(service)
    raw: dict[str, Any] = {"service": service}
    names: dict[str, str] = {}
    for field, candidates in ENV_SOURCES.items():
        for candidate in candidates:
            name = candidate.format(SERVICE=prefix)
            if name in env:
                raw[field] = _env_value(field, name, env[name])
                names[field] = name
                break
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        found = _ERROR_PATH.search(str(exc))
        where = names.get(found.group(1), found.group(1)) if found else "environment"
        raise SettingsError(f"invalid setting {where}: {exc}") from exc
    unset = {k: v for k, v in _context_defaults(service, settings.mode).items() if k not in raw}
    settings = msgspec.structs.replace(settings, **unset)
    settings.check()
    return settings
