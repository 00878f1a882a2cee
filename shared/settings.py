"""Settings read from the environment once, at boot, and checked there.

One struct serves every service; each service reads its own port from its own
prefix (`MOCKCERT_ITEM_BANK_PORT`, ...). A default or empty signing secret is
refused outside demo mode, so a forgotten variable never reaches production.
No secret has a default in the source: `mockcert run` makes random ones for demo
mode and keeps them in the data folder (see mockcert/demo_secrets.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from shared import event_signing

SERVICE_NAMES = ("item-bank", "exam-delivery", "scoring")
DEFAULT_PORTS = {"item-bank": 8081, "exam-delivery": 8082, "scoring": 8083}


class SettingsError(ValueError):
    pass


class Settings(msgspec.Struct, kw_only=True):
    service: str = "item-bank"
    host: str = "127.0.0.1"
    port: int = 8081
    database_url: str = ""
    mode: str = "production"  # "demo" relaxes the secret checks and creates demo accounts
    jwt_secret: str = ""
    service_secret: str = ""
    # Ed25519 keys of the `attempt.submitted` events (base64url raw 32 bytes): delivery signs
    # with the private seed, scoring verifies with the public key (see shared/event_signing.py).
    event_signing_key: str = ""
    event_verify_key: str = ""
    token_ttl_seconds: int = 24 * 3600  # longer than the longest exam at the largest accommodation (4x)
    max_body_bytes: int = 1 << 20
    max_import_bytes: int = 32 << 20
    item_bank_url: str = "http://127.0.0.1:8081"
    delivery_url: str = "http://127.0.0.1:8082"
    scoring_url: str = "http://127.0.0.1:8083"
    db_pool_min: int = 2
    db_pool_max: int = 10
    admin_user: str = ""
    admin_password: str = ""
    seed_sample_bank: bool = False
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


def _env_name(service: str) -> str:
    return service.upper().replace("-", "_")


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def load_settings(service: str, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    mode = env.get("MOCKCERT_MODE", "production")
    demo = mode == "demo"
    prefix = f"MOCKCERT_{_env_name(service)}_"
    try:
        settings = Settings(
            service=service,
            host=env.get(prefix + "HOST", env.get("MOCKCERT_HOST", "127.0.0.1")),
            port=int(env.get(prefix + "PORT", DEFAULT_PORTS.get(service, 8080))),
            database_url=env.get("DATABASE_URL", ""),
            mode=mode,
            jwt_secret=env.get("MOCKCERT_JWT_SECRET", ""),
            service_secret=env.get("MOCKCERT_SERVICE_SECRET", ""),
            event_signing_key=env.get("MOCKCERT_EVENT_SIGNING_KEY", ""),
            event_verify_key=env.get("MOCKCERT_EVENT_VERIFY_KEY", ""),
            token_ttl_seconds=int(env.get("MOCKCERT_TOKEN_TTL_SECONDS", 24 * 3600)),
            max_body_bytes=int(env.get("MOCKCERT_MAX_BODY_BYTES", 1 << 20)),
            max_import_bytes=int(env.get("MOCKCERT_MAX_IMPORT_BYTES", 32 << 20)),
            item_bank_url=env.get("MOCKCERT_ITEM_BANK_URL", f"http://127.0.0.1:{DEFAULT_PORTS['item-bank']}"),
            delivery_url=env.get(
                "MOCKCERT_EXAM_DELIVERY_URL", f"http://127.0.0.1:{DEFAULT_PORTS['exam-delivery']}"
            ),
            scoring_url=env.get("MOCKCERT_SCORING_URL", f"http://127.0.0.1:{DEFAULT_PORTS['scoring']}"),
            db_pool_min=int(env.get(prefix + "DB_POOL_MIN", 2)),
            db_pool_max=int(env.get(prefix + "DB_POOL_MAX", 10)),
            admin_user=env.get("MOCKCERT_ADMIN_USER", ""),
            admin_password=env.get("MOCKCERT_ADMIN_PASSWORD", ""),
            seed_sample_bank=_bool(env.get("MOCKCERT_SEED_SAMPLE_BANK", "1" if demo else "0")),
            instance=env.get("MOCKCERT_INSTANCE", ""),
            sweep_interval_seconds=float(env.get("MOCKCERT_SWEEP_INTERVAL_SECONDS", 1.0)),
            feed_poll_seconds=float(env.get("MOCKCERT_FEED_POLL_SECONDS", 2.0)),
            outbox_poll_seconds=float(env.get("MOCKCERT_OUTBOX_POLL_SECONDS", 1.0)),
            stats_refresh_seconds=float(env.get("MOCKCERT_STATS_REFRESH_SECONDS", 10.0)),
            revocation_poll_seconds=float(env.get("MOCKCERT_REVOCATION_POLL_SECONDS", 1.0)),
            shuffle_options=_bool(env.get("MOCKCERT_SHUFFLE_OPTIONS", "1")),
            exposure_max_share=float(env.get("MOCKCERT_EXPOSURE_MAX_SHARE", 0.5)),
            exposure_window=int(env.get("MOCKCERT_EXPOSURE_WINDOW", 200)),
            current_code_set_year=int(env.get("MOCKCERT_CODE_SET_YEAR", 2026)),
            attempt_cooldown_seconds=int(env.get("MOCKCERT_ATTEMPT_COOLDOWN_SECONDS", 3600)),
        )
    except ValueError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc
    settings.check()
    return settings
