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


class UserList(msgspec.Struct, omit_defaults=True):
    users: list[UserOut]
    # A search or a page (q, group, limit or cursor asked): how many users match, and the
    # cursor of the next page (None on the last). A plain GET answers the whole list as before.
    total: int | None = None
    next_cursor: str | None = None


class UserQuery(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["candidate", "instructor", "admin"] | None = None
    q: Annotated[str, msgspec.Meta(max_length=120)] | None = None  # in the username or the display name
    group: GroupName | None = None  # exactly this group ("" is no group)
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] | None = None
    cursor: Annotated[str, msgspec.Meta(max_length=400)] | None = None  # next_cursor of the page before


class BulkGroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """Put many users in one group (a cohort), e.g. the ones a search found."""

    ids: Annotated[list[str], msgspec.Meta(min_length=1, max_length=1000)]
    group: GroupName


class BulkGroupOut(msgspec.Struct):
    updated: int
    missing: list[str]  # ids that name no user


class DeleteGroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """Delete the candidates of one group with their attempts (e.g. the simulated ones)."""

    group: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class DeleteGroupOut(msgspec.Struct):
    group: str
    deleted_users: int
    deleted_attempts: int
