"""The review workflow as pure rules."""

from __future__ import annotations

import itertools

import pytest

from item_bank.items.workflow import ALLOWED, SELF_APPROVAL_STATUS, check_editable, check_transition
from shared.errors import Problem

STATUSES = ("draft", "in_review", "approved", "retired")


def attempt(current, to, comment="why", actor="reviewer", author="author", latest=True, in_service=False):
    return check_transition(
        current=current,
        to=to,
        comment=comment,
        actor_id=actor,
        version_author=author,
        is_latest=latest,
        is_in_service=in_service,
    )


def test_the_legal_moves_and_nothing_else():
    legal = {(a, b) for a, targets in ALLOWED.items() for b in targets}
    assert legal == {
        ("draft", "in_review"),
        ("in_review", "approved"),
        ("in_review", "draft"),
        ("approved", "retired"),
        ("retired", "draft"),
    }
    for current, to in itertools.product(STATUSES, STATUSES):
        if (current, to) in legal:
            attempt(current, to, in_service=current == "approved")
        else:
            with pytest.raises(Problem) as exc:
                attempt(current, to)
            assert exc.value.status == 409


def test_service_entry_and_exit():
    assert attempt("in_review", "approved").enters_service
    move = attempt("approved", "retired", in_service=True)
    assert move.leaves_service and not move.enters_service
    assert not attempt("draft", "in_review").enters_service


def test_self_approval_is_refused():
    with pytest.raises(Problem) as exc:
        attempt("in_review", "approved", actor="same", author="same")
    assert exc.value.status == SELF_APPROVAL_STATUS == 403
    assert exc.value.errors[0].field == "to"


@pytest.mark.parametrize("current", ["in_review", "retired"])
def test_back_to_draft_needs_a_comment(current):
    with pytest.raises(Problem) as exc:
        attempt(current, "draft", comment="   ")
    assert exc.value.status == 422 and exc.value.errors[0].field == "comment"


def test_only_the_latest_version_moves_except_retiring_the_one_in_service():
    with pytest.raises(Problem) as exc:
        attempt("draft", "in_review", latest=False)
    assert exc.value.status == 409
    assert attempt("approved", "retired", latest=False, in_service=True).leaves_service


def test_a_version_in_review_is_not_edited():
    with pytest.raises(Problem) as exc:
        check_editable("in_review")
    assert exc.value.status == 409
    for status in ("draft", "approved", "retired"):
        check_editable(status)
