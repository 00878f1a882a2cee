"""Wire messages of the accounts endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Username = Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256)]
Multiplier = Annotated[float, msgspec.Meta(ge=1.0, le=4.0)]
DisplayName = Annotated[str, msgspec.Meta(max_length=120)]
GroupName = Annotated[str, msgspec.Meta(max_length=80)]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class LoginOut(msgspec.Struct):
    token: str
    role: str
    user_id: str
    expires_at: str
    username: str = ""
    display_name: str = ""


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    role: Literal["candidate", "instructor", "admin"]
    display_name: DisplayName = ""
    time_multiplier: Multiplier = 1.0
    group: GroupName = ""


class UserPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    display_name: DisplayName | None = None
    time_multiplier: Multiplier | None = None
    group: GroupName | None = None
    password: Password | None = None
    disabled: bool | None = None
    role: Literal["candidate", "instructor", "admin"] | None = None


class UserOut(msgspec.Struct):
    id: str
    username: str
    role: str
    display_name: str
    time_multiplier: float
    group: str
    disabled: bool
    created_at: str


class UserList(msgspec.Struct):
    users: list[UserOut]


class UserQuery(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["candidate", "instructor", "admin"] | None = None
