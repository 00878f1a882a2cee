"""The one canonical form of a username, used for lookup, uniqueness and the login throttle.

Two spellings that a person would read as the same name must reach the same
account and the same lockout counter: the canonical form is Unicode NFKC
(fullwidth and compatibility letters become their plain forms), then case
folded (`casefold`, which also folds what `lower` leaves alone), then NFKC
again (folding can undo normalisation). A username is allowed only when its
canonical form is 3 to 64 characters of ASCII letters, digits and `. _ @ -`:
so `VICTIM` and `ｖｉｃｔｉｍ` name the account `victim`, and `vİctim` (whose
fold keeps a combining dot) is refused rather than read as another name.
"""

from __future__ import annotations

import re
import unicodedata

ALLOWED = re.compile(r"[a-z0-9._@-]{3,64}")
ALLOWED_DESCRIPTION = "3 to 64 letters (a-z), digits, '.', '_', '@' or '-', case-insensitive"


def canonical_username(name: str) -> str:
    """NFKC + casefold (+ NFKC): the form stored in users.username_canonical and keyed by the throttle."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def allowed(canonical: str) -> bool:
    return ALLOWED.fullmatch(canonical) is not None
