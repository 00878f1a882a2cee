"""Bodies over the local entry's limit (mockcert/entry.py, the front door of `mockcert run`) get the
same answer nginx gives (deploy/nginx/nginx.conf's @too_large): a 413 application/problem+json
naming the body, whether the length is announced or the body comes chunked, and nothing reaches a
service (a body under it meets the service's own limit: test_hostile_bodies.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.test_nginx_entry import (
    MIB,
    assert_entry_refused_the_body,
    chunked_too_large,
    declared_too_large,
    public_counts,
)
from tests.support import Stack, start_stack

ENTRY_LIMIT = 40 * MIB  # create_entry_app's default, as nginx.conf's client_max_body_size


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url) as stack:
        yield stack


def entry_port(stack: Stack) -> int:
    return int(stack.base_url.rsplit(":", 1)[1])


async def test_a_body_over_the_entry_limit_gets_a_413_problem_and_reaches_no_service(stack):
    assert ENTRY_LIMIT > max(s.max_import_bytes for s in stack.settings.values())
    _, instructor = await stack.new_user("instructor")
    before = public_counts(stack)
    for target in ("/api/items/import", "/api/auth/login", "/api/attempts"):
        assert_entry_refused_the_body(*await declared_too_large(entry_port(stack), target, ENTRY_LIMIT + 1,
                                                                instructor))
    assert_entry_refused_the_body(*await chunked_too_large(entry_port(stack), "/api/items/import",
                                                           ENTRY_LIMIT + MIB, instructor))
    assert public_counts(stack) == before, "a body over the entry's limit reached a service"

