"""Passwords, tokens and roles.

Every service verifies tokens locally with the shared secret: no call per
request. User tokens and service tokens are signed with different secrets and
carry different `typ` claims, so a user token can never pass as a service's
credential, nor a service token as a user's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from typing import Literal

import jwt
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shared.errors import Problem
from shared.settings import Settings

Role = Literal["candidate", "instructor", "admin"]
ROLES: tuple[str, ...] = ("candidate", "instructor", "admin")

PUBLIC = frozenset({"public"})
SERVICE = frozenset({"service"})
CANDIDATE = frozenset({"candidate"})
ADMIN = frozenset({"admin"})
STAFF = frozenset({"instructor", "admin"})
ANY_USER = frozenset({"candidate", "instructor", "admin"})

_ALGORITHM = "HS256"
_ISSUER = "mockcert"

_hasher = PasswordHasher()
# Verifying against a real hash for unknown users keeps "no such user" and
# "wrong password" indistinguishable by timing as well as by answer.
_DUMMY_HASH = _hasher.hash("mockcert-dummy-password-for-timing")


class Principal(msgspec.Struct, frozen=True):
    id: str
    role: str
    username: str = ""
    gen: int = 0  # the holder's token generation when issued (see shared.revocation)
    jti: str = ""  # the token's own id: "Log out" revokes this one token (see shared.revocation)
    expires: int = 0  # the token's expiry (Unix seconds)

    @property
    def is_service(self) -> bool:
        return self.role == "service"


async def hash_password(password: str) -> str:
    # Argon2 is deliberately slow (tens of ms): keep it off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, _hasher.hash, password)


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(None, _verify, stored_hash, password)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue_user_token(
    settings: Settings, user_id: str, role: str, username: str, gen: int = 0
) -> tuple[str, dt.datetime]:
    now = _now()
    expires = now + dt.timedelta(seconds=settings.token_ttl_seconds)
    claims = {
        "sub": user_id,
        "role": role,
        "name": username,
        "typ": "user",
        "iss": _ISSUER,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
        "gen": gen,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=_ALGORITHM), expires.replace(microsecond=0)


def issue_service_token(settings: Settings, ttl_seconds: int = 3600) -> str:
    now = _now()
    claims = {
        "sub": settings.service,
        "role": "service",
        "typ": "service",
        "iss": _ISSUER,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ttl_seconds,
    }
    return jwt.encode(claims, settings.service_secret, algorithm=_ALGORITHM)


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="mockcert"'})


def decode_token(settings: Settings, token: str) -> Principal:
    """Verify a bearer token (user or service) and return who it names; 401 otherwise."""
    return _verify_token(settings, token)[0]


class TokenVerifier:
    """`decode_token` under one app's secrets, remembering the tokens it verified until they expire.

    A candidate sends the same token with every answer, and verifying it again (three
    base64/JSON parses and an HMAC in PyJWT) was the largest cost of a save. Each app
    builds its own (its secrets are fixed with its settings), so a token verified under
    one pair of secrets never passes under another; bounded in size, oldest out first."""

    MAX_TOKENS = 50_000

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._verified: dict[str, tuple[Principal, int]] = {}

    def __len__(self) -> int:
        return len(self._verified)

    def principal(self, token: str) -> Principal:
        hit = self._verified.get(token)
        if hit is not None:
            if hit[1] > time.time():
                return hit[0]
            del self._verified[token]
        principal, expires = _verify_token(self.settings, token)
        if len(self._verified) >= self.MAX_TOKENS:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = (principal, expires)
        return principal


def _verify_token(settings: Settings, token: str) -> tuple[Principal, int]:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _unauthorized("malformed token") from None
    if header.get("alg") != _ALGORITHM:
        raise _unauthorized("unsupported token algorithm")
    typ = unverified.get("typ")
    secret = settings.service_secret if typ == "service" else settings.jwt_secret
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=_ISSUER,
            options={"require": ["exp", "iat", "sub", "role", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("token expired") from None
    except jwt.PyJWTError:
        raise _unauthorized("invalid token") from None
    role = claims["role"]
    expires = int(claims["exp"])
    if typ == "service":
        if role != "service":
            raise _unauthorized("invalid token")
        return Principal(id=str(claims["sub"]), role="service", username=str(claims["sub"])), expires
    gen = claims.get("gen", 0)
    jti = claims.get("jti", "")
    if typ != "user" or role not in ROLES or type(gen) is not int or type(jti) is not str:
        raise _unauthorized("invalid token")
    return Principal(id=str(claims["sub"]), role=role, username=str(claims.get("name", "")), gen=gen,
                     jti=jti, expires=expires), expires
