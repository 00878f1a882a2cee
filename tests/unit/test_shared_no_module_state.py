"""`shared/` keeps no state at module level: what one app learns or caches lives in that app
(under a `web.AppKey`, or in an object the app builds), so two apps built in one process (as
the tests and the benches do) share nothing, and a discarded app leaves nothing behind.

Checked on every module of the package: a module-level (or class-level) dict, list, set,
bytearray, deque or memoizing cache fails; constants are tuples, frozensets and read-only
mappings (`types.MappingProxyType`) named in capitals."""

from __future__ import annotations

import collections
import functools
import importlib
import pkgutil
import types
from typing import Any

import msgspec
import pytest

import shared

MUTABLE = (dict, list, set, bytearray, collections.deque)
MODULES = sorted(f"shared.{m.name}" for m in pkgutil.iter_modules(shared.__path__))


def mutable_reason(value: Any) -> str | None:
    if isinstance(value, MUTABLE):
        return f"a mutable {type(value).__name__}"
    if isinstance(value, functools._lru_cache_wrapper):
        return "a memoizing cache"
    if isinstance(value, msgspec.Struct) and not type(value).__struct_config__.frozen:
        return f"a mutable {type(value).__name__} struct"
    module = getattr(type(value), "__module__", "")
    if module.startswith("shared.") and not isinstance(value, msgspec.Struct | type):
        return f"an instance of {type(value).__name__}, made at import"
    return None


def module_state(name: str) -> list[str]:
    module = importlib.import_module(name)
    found = []
    for attr, value in vars(module).items():
        if attr.startswith("__"):
            continue
        reason = mutable_reason(value)
        if reason is not None:
            found.append(f"{name}.{attr} is {reason}")
        elif isinstance(value, types.MappingProxyType | frozenset | tuple) and attr.lstrip("_") != attr.lstrip(
            "_"
        ).upper():
            found.append(f"{name}.{attr} is a constant not named in capitals")
        if isinstance(value, type) and value.__module__ == name:
            for class_attr, class_value in vars(value).items():
                if class_attr.startswith("__"):
                    continue
                reason = mutable_reason(class_value)
                if reason is not None:
                    found.append(f"{name}.{attr}.{class_attr} (class level) is {reason}")
    return found


def test_the_package_has_modules_to_check():
    assert {"shared.web", "shared.auth", "shared.metrics", "shared.settings"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_no_module_level_mutable_state(name):
    assert module_state(name) == []


def test_the_check_sees_mutable_state():
    module = types.ModuleType("shared.example")
    module.CACHE = {}  # type: ignore[attr-defined]
    module.SEEN = []  # type: ignore[attr-defined]
    module.remembered = functools.lru_cache(maxsize=8)(lambda x: x)  # type: ignore[attr-defined]
    module.LIMITS = types.MappingProxyType({"a": 1})  # type: ignore[attr-defined]
    module.names = ("a", "b")  # type: ignore[attr-defined]
    import sys

    sys.modules["shared.example"] = module
    try:
        found = module_state("shared.example")
    finally:
        del sys.modules["shared.example"]
    assert found == [
        "shared.example.CACHE is a mutable dict",
        "shared.example.SEEN is a mutable list",
        "shared.example.remembered is a memoizing cache",
        "shared.example.names is a constant not named in capitals",
    ]


def test_two_apps_in_one_process_keep_their_own_verified_tokens_and_decoders():
    from shared.auth import issue_user_token
    from shared.settings import Settings
    from shared.web import DECODERS_KEY, TOKENS_KEY, create_base_app

    first = create_base_app(Settings(database_url="-", jwt_secret="j" * 40, service_secret="s" * 40))
    second = create_base_app(Settings(database_url="-", jwt_secret="k" * 40, service_secret="t" * 40))
    token, _ = issue_user_token(first[TOKENS_KEY].settings, "u1", "candidate", "cat")
    assert first[TOKENS_KEY].principal(token).id == "u1"
    assert len(first[TOKENS_KEY]) == 1 and len(second[TOKENS_KEY]) == 0
    # Verified under the first app's secrets, the token is still checked (and refused) by the second.
    from shared.errors import Problem

    with pytest.raises(Problem):
        second[TOKENS_KEY].principal(token)
    first[DECODERS_KEY].get(Settings)
    assert len(first[DECODERS_KEY]) == 1 and len(second[DECODERS_KEY]) == 0
