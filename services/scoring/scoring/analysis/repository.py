"""SQL of the statistics' read model: the results as the frame takes them, and every item version.

Bulk reads: the frame takes these records as they come (`frame.append_rows`,
`ItemMeta.from_rows`), 20,000 rows a batch, without a typed copy of each.
Functions take `conn` first; callers own transactions."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

# The statistics' read model: scalar columns plus the compact form. `seq` is
# taken at insert, so a result may commit after one with a higher seq: the
# reader asks again for the seqs it has not seen below the highest it has.
# Two branches, each an index range or lookup on seq: with `seq > $1 OR seq =
# ANY($2)` under ORDER BY seq LIMIT, PostgreSQL may walk the seq index from the
# first result and filter, a read that grows with every result ever stored.
FRAME_ROWS = """
SELECT * FROM (
    (SELECT seq, blueprint_id, blueprint_name, candidate_group,
            extract(epoch FROM submitted_at)::float8 AS submitted,
            extract(epoch FROM started_at)::float8 AS started, passed, raw_score, question_count,
            cut_used, blueprint_cut_percent, calibration_id, item_ix, choices, low_answer
     FROM scoring.results WHERE seq > $1 ORDER BY seq LIMIT $3)
    UNION ALL
    (SELECT seq, blueprint_id, blueprint_name, candidate_group,
            extract(epoch FROM submitted_at)::float8 AS submitted,
            extract(epoch FROM started_at)::float8 AS started, passed, raw_score, question_count,
            cut_used, blueprint_cut_percent, calibration_id, item_ix, choices, low_answer
     FROM scoring.results WHERE seq = ANY($2::bigint[]) AND seq <= $1)
) AS fresh
ORDER BY seq
LIMIT $3
"""

# Results of these candidate groups are records, not data: the statistics leave them out
# (`mockcert simulate` puts its candidates in "simulated"; the engine's `excluded_groups`).
SIMULATED_GROUP = "simulated"

# The calibration's window: the most recent results that count (not low-answer, not of an
# excluded group), newest first.
RECENT_COUNTED = """
SELECT seq, blueprint_id, blueprint_name, candidate_group,
       extract(epoch FROM submitted_at)::float8 AS submitted,
       extract(epoch FROM started_at)::float8 AS started, passed, raw_score, question_count,
       cut_used, blueprint_cut_percent, calibration_id, item_ix, choices, low_answer
FROM scoring.results
WHERE NOT low_answer AND seq <= $1 AND NOT (candidate_group = ANY($3::text[]))
ORDER BY seq DESC
LIMIT $2
"""

ALL_ITEM_VERSIONS = "SELECT id, item_id, version, domain, key FROM scoring.item_versions ORDER BY id"


async def frame_rows(
    conn: asyncpg.Connection, after_seq: int, missing: Sequence[int], limit: int
) -> list[asyncpg.Record]:
    return await conn.fetch(FRAME_ROWS, after_seq, list(missing), limit)


async def all_item_versions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(ALL_ITEM_VERSIONS)


async def recent_counted(
    conn: asyncpg.Connection, up_to_seq: int, limit: int, excluded_groups: Sequence[str] = ()
) -> list[asyncpg.Record]:
    return await conn.fetch(RECENT_COUNTED, up_to_seq, limit, list(excluded_groups))
