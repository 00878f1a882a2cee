"""The statistics' in-memory read model: every result as numpy columns.

Rows are only ever appended, in the order the engine reads them (by `seq`,
late commits last), so a refresh reads the new rows alone (incremental) and
the frame never needs a full reload. Each
append builds new arrays; a snapshot computed from an older frame keeps its
own references, so readers and the background computation never share a
mutable buffer.

The forms are kept flat: `items[offsets[i]:offsets[i + 1]]` are row i's item
version ids in position order and `choices[...]` the options chosen (0..3,
-1 omitted). `response_matrix` turns any subset of rows into the N x K
matrices the statistics take, with index arithmetic only (no Python loop over
candidates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from shared.contracts import LABEL_INDEX


def _empty(dtype: Any) -> NDArray:
    return np.zeros(0, dtype=dtype)


@dataclass(frozen=True, slots=True)
class Labels:
    """Codes for repeated strings (blueprints, groups): code i names values[i]."""

    values: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)  # e.g. blueprint id -> name

    def index(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.values)}


@dataclass(frozen=True, slots=True)
class Frame:
    seq: NDArray[np.int64] = field(default_factory=lambda: _empty(np.int64))
    blueprint: NDArray[np.int32] = field(default_factory=lambda: _empty(np.int32))
    group: NDArray[np.int32] = field(default_factory=lambda: _empty(np.int32))
    submitted: NDArray[np.float64] = field(default_factory=lambda: _empty(np.float64))  # epoch seconds
    passed: NDArray[np.bool_] = field(default_factory=lambda: _empty(np.bool_))
    raw: NDArray[np.int32] = field(default_factory=lambda: _empty(np.int32))
    k: NDArray[np.int32] = field(default_factory=lambda: _empty(np.int32))
    equated: NDArray[np.bool_] = field(default_factory=lambda: _empty(np.bool_))
    cut_percent: NDArray[np.float64] = field(default_factory=lambda: _empty(np.float64))
    offsets: NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    items: NDArray[np.int32] = field(default_factory=lambda: _empty(np.int32))
    choices: NDArray[np.int8] = field(default_factory=lambda: _empty(np.int8))
    low: NDArray[np.bool_] = field(default_factory=lambda: _empty(np.bool_))  # too few answered
    started: NDArray[np.float64] = field(default_factory=lambda: _empty(np.float64))  # epoch seconds
    blueprints: Labels = field(default_factory=Labels)
    groups: Labels = field(default_factory=Labels)

    @property
    def n(self) -> int:
        return int(self.seq.shape[0])


def _codes(
    values: Sequence[str], labels: Labels, names: Sequence[str] | None = None
) -> tuple[NDArray, Labels]:
    known = labels.index()
    out = list(labels.values)
    extra = dict(labels.extra)
    codes = np.empty(len(values), dtype=np.int32)
    for i, v in enumerate(values):  # one pass to build the index array
        c = known.get(v)
        if c is None:
            c = known[v] = len(out)
            out.append(v)
        codes[i] = c
        if names is not None:
            extra[v] = names[i]
    return codes, Labels(tuple(out), extra)


def append_rows(frame: Frame, rows: Sequence[Any]) -> Frame:
    """A new frame with `rows` (records of repository.FRAME_ROWS) appended."""
    if not rows:
        return frame
    cols = list(
        zip(
            *(
                (
                    r["seq"],
                    r["blueprint_id"],
                    r["blueprint_name"],
                    r["candidate_group"],
                    r["submitted"],
                    r["passed"],
                    r["raw_score"],
                    r["question_count"],
                    r["cut_used"],
                    r["blueprint_cut_percent"],
                    r["item_ix"],
                    r["choices"],
                    r.get("low_answer", False),  # rows from before the column: counted
                    r.get("started", r["submitted"]),
                )
                for r in rows
            ),
            strict=True,
        )
    )
    seq, bp_ids, bp_names, groups, submitted, passed, raw, k, cut_used, cut_pct, item_ix, choices, low, started = cols
    bp_codes, bp_labels = _codes(bp_ids, frame.blueprints, bp_names)
    grp_codes, grp_labels = _codes(groups, frame.groups)
    k_arr = np.asarray(k, dtype=np.int32)
    new_items = np.frombuffer(b"".join(item_ix), dtype="<i4").astype(np.int32)
    new_choices = np.frombuffer(b"".join(choices), dtype=np.int8)
    if new_items.shape[0] != int(k_arr.sum()) or new_choices.shape[0] != new_items.shape[0]:
        raise ValueError("stored forms disagree with their question counts")
    offsets = np.concatenate([frame.offsets, frame.offsets[-1] + np.cumsum(k_arr, dtype=np.int64)])
    return Frame(
        seq=np.concatenate([frame.seq, np.asarray(seq, dtype=np.int64)]),
        blueprint=np.concatenate([frame.blueprint, bp_codes]),
        group=np.concatenate([frame.group, grp_codes]),
        submitted=np.concatenate([frame.submitted, np.asarray(submitted, dtype=np.float64)]),
        passed=np.concatenate([frame.passed, np.asarray(passed, dtype=np.bool_)]),
        raw=np.concatenate([frame.raw, np.asarray(raw, dtype=np.int32)]),
        k=np.concatenate([frame.k, k_arr]),
        equated=np.concatenate(
            [frame.equated, np.asarray([c == "equated" for c in cut_used], dtype=np.bool_)]
        ),
        cut_percent=np.concatenate([frame.cut_percent, np.asarray(cut_pct, dtype=np.float64)]),
        offsets=offsets,
        items=np.concatenate([frame.items, new_items]),
        choices=np.concatenate([frame.choices, new_choices]),
        low=np.concatenate([frame.low, np.asarray(low, dtype=np.bool_)]),
        started=np.concatenate([frame.started, np.asarray(started, dtype=np.float64)]),
        blueprints=bp_labels,
        groups=grp_labels,
    )


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """Every known item version; `col` maps an item version id to its position here."""

    ids: NDArray[np.int64]
    item_id: tuple[str, ...]
    version: NDArray[np.int64]
    domain: tuple[str, ...]
    key: NDArray[np.int8]  # 0..3

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> ItemMeta:
        return cls(
            ids=np.asarray([r["id"] for r in rows], dtype=np.int64),
            item_id=tuple(str(r["item_id"]) for r in rows),
            version=np.asarray([r["version"] for r in rows], dtype=np.int64),
            domain=tuple(str(r["domain"]) for r in rows),
            key=np.asarray([LABEL_INDEX[r["key"]] for r in rows], dtype=np.int8),
        )

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    def col_of(self, max_id: int) -> NDArray[np.int64]:
        """Lookup table: item version id -> index in this meta, -1 when unknown."""
        table = np.full(max(max_id, int(self.ids.max(initial=0))) + 1, -1, dtype=np.int64)
        table[self.ids] = np.arange(self.size)
        return table


@dataclass(frozen=True, slots=True)
class Matrix:
    """Response matrices of a set of rows over a set of item versions (columns)."""

    rows: NDArray[np.int64]  # frame row of each matrix row
    cols: NDArray[np.int64]  # meta index of each column
    X: NDArray[np.uint8]  # correct
    M: NDArray[np.uint8]  # presented
    C: NDArray[np.int8]  # choice code, -1 omitted (or not presented)
    keys: NDArray[np.int8]


def gather(frame: Frame, rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Flat positions of the given rows' responses, and the matrix row of each."""
    lengths = frame.k[rows].astype(np.int64)
    row_of = np.repeat(np.arange(rows.shape[0], dtype=np.int64), lengths)
    if rows.shape[0] == frame.n and (rows.shape[0] == 0 or (rows[0] == 0 and rows[-1] == frame.n - 1)):
        return np.arange(int(frame.offsets[-1]), dtype=np.int64), row_of  # every row, in order
    starts = frame.offsets[rows]
    total = int(lengths.sum())
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    flat = np.repeat(starts, lengths) + (np.arange(total, dtype=np.int64) - first)
    return flat, row_of


def response_matrix(
    frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], keep: NDArray[np.bool_] | None = None
) -> Matrix:
    """N x K matrices for `rows` over the item versions they used (or those with `keep[meta index]`)."""
    flat, row_of = gather(frame, rows)
    ids = frame.items[flat]
    col_of = meta.col_of(int(ids.max(initial=0)))
    meta_col = col_of[ids]
    if meta_col.size and meta_col.min() < 0:
        raise ValueError("a stored form names an unknown item version")
    if keep is not None:
        ok = keep[meta_col]
        flat, row_of, meta_col = flat[ok], row_of[ok], meta_col[ok]
    # Columns: the item versions that occur, in meta order (a count, not a sort).
    present = np.bincount(meta_col, minlength=meta.size) > 0
    cols = np.flatnonzero(present).astype(np.int64)
    remap = np.cumsum(present) - 1
    n, kk = rows.shape[0], cols.shape[0]
    cell = row_of * kk + remap[meta_col]
    keys = meta.key[cols]
    ch = frame.choices[flat]
    X = np.zeros(n * kk, dtype=np.uint8)
    M = np.zeros(n * kk, dtype=np.uint8)
    C = np.full(n * kk, -1, dtype=np.int8)
    X[cell] = ch == meta.key[meta_col]
    M[cell] = 1
    C[cell] = ch
    return Matrix(rows=rows, cols=cols, X=X.reshape(n, kk), M=M.reshape(n, kk), C=C.reshape(n, kk), keys=keys)


def submatrix(m: Matrix, sel: NDArray[np.int64]) -> Matrix:
    """The rows `sel` (indices into m's rows) over the columns they used."""
    M = m.M[sel]
    used = np.flatnonzero(M.any(axis=0))
    return Matrix(
        rows=m.rows[sel],
        cols=m.cols[used],
        X=m.X[sel][:, used],
        M=M[:, used],
        C=m.C[sel][:, used],
        keys=m.keys[used],
    )


class Dense:
    """Choices (int8; -1 omitted or not presented) and presentation (uint8) of every
    row over every item version, in meta order, grown in place as rows arrive.

    Rows are appended into spare capacity, so a refresh writes only the new
    rows; new item versions widen the arrays (a copy, but rare). Used only
    from the engine's single worker thread.
    """

    def __init__(self) -> None:
        self._C = np.full((0, 0), -1, dtype=np.int8)
        self._M = np.zeros((0, 0), dtype=np.uint8)
        self.ids = np.zeros(0, dtype=np.int64)
        self.n = 0

    @property
    def C(self) -> NDArray[np.int8]:
        return self._C[: self.n]

    @property
    def M(self) -> NDArray[np.uint8]:
        return self._M[: self.n]

    def sync(self, frame: Frame, meta: ItemMeta) -> None:
        """Bring the matrices up to `frame` and `meta` (only new rows, unless the columns moved)."""
        width = meta.size
        if self.ids.shape[0] > width or not np.array_equal(meta.ids[: self.ids.shape[0]], self.ids):
            self.__init__()  # type: ignore[misc]  # columns reordered: rebuild from scratch
        if width > self.ids.shape[0]:
            C = np.full((self._C.shape[0], width), -1, dtype=np.int8)
            M = np.zeros((self._M.shape[0], width), dtype=np.uint8)
            C[:, : self._C.shape[1]] = self._C
            M[:, : self._M.shape[1]] = self._M
            self._C, self._M = C, M
            self.ids = meta.ids.copy()
        if frame.n > self._C.shape[0]:
            cap = max(frame.n, int(self._C.shape[0] * 1.5) + 1024)
            C = np.full((cap, width), -1, dtype=np.int8)
            M = np.zeros((cap, width), dtype=np.uint8)
            C[: self.n] = self._C[: self.n]
            M[: self.n] = self._M[: self.n]
            self._C, self._M = C, M
        if frame.n > self.n:
            rows = np.arange(self.n, frame.n, dtype=np.int64)
            flat, row_of = gather(frame, rows)
            ids = frame.items[flat]
            col = meta.col_of(int(ids.max(initial=0)))[ids]
            if col.size and col.min() < 0:
                raise ValueError("a stored form names an unknown item version")
            row_of += self.n
            self._C[row_of, col] = frame.choices[flat]
            self._M[row_of, col] = 1
            self.n = frame.n
