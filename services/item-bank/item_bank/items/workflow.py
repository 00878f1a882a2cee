"""The review workflow of an item version, as pure rules (no I/O).

    draft -> in_review -> approved -> retired
    in_review -> draft   (sent back; a comment is required)
    retired   -> draft   (reopened for rework; a comment is required)

Only the latest version moves, except that the approved version in service may be
retired while a newer draft of the same item is being written. An author may not
approve a version they wrote. Anything else is a conflict (409).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import FieldError, Problem

ALLOWED: dict[str, frozenset[str]] = {
    "draft": frozenset({"in_review"}),
    "in_review": frozenset({"approved", "draft"}),
    "approved": frozenset({"retired"}),
    "retired": frozenset({"draft"}),
}
NEEDS_COMMENT = frozenset({("in_review", "draft"), ("retired", "draft")})

# Statuses from which a new version may be written by PUT. A version in review is
# frozen until a reviewer decides (or it is withdrawn to draft).
EDITABLE_FROM = frozenset({"draft", "approved", "retired"})

SELF_APPROVAL_STATUS = 403


@dataclass(frozen=True)
class Move:
    """What a legal transition does to the item besides the version's own status."""

    enters_service: bool  # the version becomes the one delivery serves
    leaves_service: bool  # the version stops being served


def check_transition(
    *,
    current: str,
    to: str,
    comment: str,
    actor_id: str,
    version_author: str,
    is_latest: bool,
    is_in_service: bool,
) -> Move:
    if current == to:
        raise Problem(409, f"the version is already {current}")
    if to not in ALLOWED.get(current, frozenset()):
        allowed = ", ".join(sorted(ALLOWED.get(current, frozenset()))) or "none"
        raise Problem(
            409, f"cannot move a version from {current} to {to} (allowed from {current}: {allowed})"
        )
    if not is_latest and not (current == "approved" and to == "retired" and is_in_service):
        raise Problem(
            409, "only the latest version moves through review (or the version in service may be retired)"
        )
    if (current, to) in NEEDS_COMMENT and not comment.strip():
        raise Problem(
            422,
            "say why in a comment when sending a version back to draft",
            errors=[FieldError("comment", "a comment is required to send a version back to draft")],
        )
    if to == "approved" and actor_id == version_author:
        raise Problem(
            SELF_APPROVAL_STATUS,
            "you wrote this version: another instructor must approve it",
            errors=[FieldError("to", "an author may not approve their own version")],
        )
    return Move(enters_service=to == "approved", leaves_service=current == "approved")


def check_editable(latest_status: str) -> None:
    if latest_status not in EDITABLE_FROM:
        raise Problem(409, "this item's latest version is in review; send it back to draft before editing")
