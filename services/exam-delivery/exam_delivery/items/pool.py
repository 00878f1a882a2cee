"""The approved pool in memory, refreshed from delivery's read model.

Every replica keeps every item version it has read (content included, so a
question is served without a query for its text) and, rebuilt on each change,
an `assembly.Bank` of the approved ones. Refreshing reads only the rows whose
`rev` moved since the last refresh, so it is cheap to call often.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from exam_delivery.assembly import Bank, BankItem, order_sensitive
from exam_delivery.items import repository as repo
from exam_delivery.items.repository import ItemVersionRow


@dataclass(frozen=True, slots=True)
class ItemContent:
    item_id: str
    version: int
    domain: str
    stem: str
    options: dict[str, str]  # original label -> text
    key: str
    rationale: str
    status: str
    code_set_year: int
    difficulty: float | None


def content_of(row: ItemVersionRow) -> ItemContent:
    return ItemContent(
        item_id=row.item_id,
        version=row.version,
        domain=row.domain,
        stem=row.stem,
        options={o.label: o.text for o in row.options},
        key=row.key,
        rationale=row.rationale,
        status=row.status,
        code_set_year=row.code_set_year,
        difficulty=row.difficulty,
    )


class ItemPool:
    def __init__(self) -> None:
        self.versions: dict[tuple[str, int], ItemContent] = {}
        self.rev = 0
        self.bank = Bank(())
        self._lock = asyncio.Lock()

    async def refresh(self, conn: asyncpg.Connection) -> int:
        """Read what changed since the last refresh; rebuild the bank if anything did."""
        async with self._lock:
            rows = await repo.items_changed_since(conn, self.rev)
            if not rows:
                return 0
            for row in rows:
                content = content_of(row)
                self.versions[(content.item_id, content.version)] = content
                self.rev = max(self.rev, row.rev)
            self.bank = self._build_bank()
            return len(rows)

    def _build_bank(self) -> Bank:
        return Bank(
            BankItem(
                c.item_id,
                c.version,
                c.domain,
                c.difficulty,
                not order_sensitive(c.options.values(), c.rationale),
            )
            for c in self.versions.values()
            if c.status == "approved"
        )

    def content(self, item_id: str, version: int) -> ItemContent | None:
        return self.versions.get((item_id, version))

    async def contents(
        self, conn: asyncpg.Connection, keys: list[tuple[str, int]]
    ) -> dict[tuple[str, int], ItemContent]:
        """Contents for pinned versions; a version this replica has not read yet is read from the database."""
        found = {k: c for k in keys if (c := self.versions.get(k)) is not None}
        missing = [k for k in keys if k not in found]
        if missing:
            for row in await repo.select_versions(conn, missing):
                content = content_of(row)
                found[(content.item_id, content.version)] = content
        return found
