"""The canonical form of usernames, and single-token revocations (no I/O)."""

from __future__ import annotations

import time

import pytest

from exam_delivery.accounts.usernames import allowed, canonical_username
from shared.auth import Principal
from shared.revocation import Revocation, Revocations


@pytest.mark.parametrize("spelling", ["victim", "VICTIM", "Victim", "ｖｉｃｔｉｍ", "ＶＩＣＴＩＭ"])
def test_spellings_of_one_name_have_one_canonical_form(spelling):
    assert canonical_username(spelling) == "victim"
    assert allowed(canonical_username(spelling))


@pytest.mark.parametrize("name", ["vİctim", "vıctim", "ab", "a" * 65, "with space", "semi;colon", "ad\x00min",
                                  "naïve", "名前"])
def test_names_outside_the_set_are_not_allowed(name):
    assert not allowed(canonical_username(name))


def test_python_lower_and_casefold_disagree_where_the_canonical_form_decides():
    # The bug this form closes: lower() and PostgreSQL's lower() fold İ differently.
    assert "İ".lower() != "i" and canonical_username("STRASSE") == canonical_username("straße") == "strasse"
    assert canonical_username("ﬁle.name") == "file.name"  # a compatibility ligature


def test_a_logged_out_token_is_refused_until_it_expires_then_forgotten():
    revocations = Revocations()
    now = int(time.time())
    live = Principal(id="u1", role="candidate", gen=0, jti="a" * 32, expires=now + 600)
    other = Principal(id="u1", role="candidate", gen=0, jti="b" * 32, expires=now + 600)
    revocations.apply([Revocation("u1", 0, 5, jti=live.jti, expires=live.expires),
                       Revocation("u1", 0, 6, jti="c" * 32, expires=now - 1)])
    assert revocations.revoked(live) and not revocations.revoked(other)
    assert revocations.cursor == 6 and revocations.min_gen == {}  # a logout raises no generation
    revocations.prune(time.time())
    assert set(revocations.tokens) == {live.jti}
    revocations.prune(now + 601)
    assert revocations.tokens == {}
