"""Wire messages of the item read model's service endpoints."""

from __future__ import annotations

import msgspec


class DifficultyUpdate(msgspec.Struct):
    updated: int
