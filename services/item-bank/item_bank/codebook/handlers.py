"""HTTP handlers of the code book: read-only, for every signed-in user (candidates call it
during an attempt), no database.

The ICD-10-CM index is built once per process, off the event loop, when the app starts
(`start_index`); a request that arrives before it is ready waits for it.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator

import structlog
from aiohttp import web

from item_bank.codebook import hcpcs, icd
from item_bank.codebook.schemas import (
    CodeBookOut,
    CodeBookQuery,
    CodeSetInfo,
    CptInfo,
    HcpcsCodeOut,
    HcpcsSearchOut,
    IcdCodeOut,
    IcdHit,
    IcdRef,
    IcdSearchOut,
    NoteSet,
    SeventhCharacter,
    SeventhCharacterTable,
)
from shared.auth import ANY_USER
from shared.errors import Problem, field_problem
from shared.web import RouteTable, json_response, read_query

routes = RouteTable("codebook")
INDEX_KEY = web.AppKey("codebook_index", asyncio.Future)
_log = structlog.get_logger("mockcert.item_bank.codebook")

CPT_NOTE = ("The CPT manual is the candidate's own, as at the real exam: CPT descriptors are the AMA's "
            "copyright, and nothing of CPT is shown here.")
NOT_FOUND = (404, "no such code in this code set")


_build_lock = threading.Lock()


@functools.cache
def _built_index() -> icd.Index:
    return icd.build()


def _icd_index() -> icd.Index:
    """The index is plain, read-only data, the same for every app of the process: built once,
    by one thread (two apps starting at once wait for the same build)."""
    with _build_lock:
        return _built_index()


@functools.cache
def _hcpcs_table() -> hcpcs.Table:
    return hcpcs.load()


async def start_index(app: web.Application) -> AsyncIterator[None]:
    """Build the index in a worker thread while the app starts serving."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, _hcpcs_table)  # a small file: read before serving
    future = loop.run_in_executor(None, _icd_index)
    app[INDEX_KEY] = future
    yield
    if not future.done():
        try:
            await future  # a worker thread cannot be stopped: let it finish before the loop goes
        except Exception:  # noqa: BLE001 - already logged by the request that met it, or never needed
            pass


async def _index(request: web.Request) -> icd.Index:
    try:
        return await asyncio.shield(request.app[INDEX_KEY])
    except Exception:
        _log.exception("codebook_index_failed")
        raise Problem(503, "the ICD-10-CM code book is not available") from None


def _query(request: web.Request) -> CodeBookQuery:
    query = read_query(request, CodeBookQuery)
    if not query.q.strip():
        raise field_problem("q", "must contain a word or a code")
    return query


@routes.get("/api/codebook", roles=ANY_USER, response=CodeBookOut,
            summary="What the open code book holds: the ICD-10-CM and HCPCS Level II releases (CPT: none)")
async def codebook_info(request: web.Request) -> web.Response:
    index = await _index(request)
    table = _hcpcs_table()
    return json_response(CodeBookOut(
        icd10cm=CodeSetInfo(name="ICD-10-CM", year=icd.YEAR, release=icd.RELEASE, codes=len(index.entries)),
        hcpcs=CodeSetInfo(name="HCPCS Level II", year=table.year, release=table.source, codes=len(table.codes)),
        cpt=CptInfo(name="CPT", note=CPT_NOTE),
    ))


@routes.get("/api/codebook/icd10cm/search", roles=ANY_USER, query=CodeBookQuery, response=IcdSearchOut,
            summary="Search ICD-10-CM: a code or its prefix, or words of titles and inclusion terms")
async def icd_search(request: web.Request) -> web.Response:
    query = _query(request)
    index = await _index(request)
    hits = index.search(query.q, query.limit)  # well under a millisecond: no need to leave the loop
    return json_response(IcdSearchOut(query=query.q, year=icd.YEAR, hits=[
        IcdHit(code=h.code, title=h.title, kind=h.kind, billable=h.billable, term=h.term) for h in hits]))


def _ref(entry: icd.Entry) -> IcdRef:
    return IcdRef(code=entry.code, title=entry.title, kind=entry.kind, billable=entry.billable)


@routes.get("/api/codebook/icd10cm/codes/{code}", roles=ANY_USER, response=IcdCodeOut,
            problems=(NOT_FOUND,),
            summary="One ICD-10-CM code: its place in the tabular list, notes and 7th-character table")
async def icd_code(request: web.Request) -> web.Response:
    raw = request.match_info["code"]
    if len(raw) > 16:
        raise field_problem("code", "at most 16 characters")
    index = await _index(request)
    entry = index.find(raw)
    if entry is None:
        raise Problem(404, f"{raw} is not an ICD-10-CM {icd.YEAR} code")
    ancestors = index.ancestors(entry)
    own = icd.notes_of(entry.code)
    inherited = []
    for above in reversed(ancestors):
        notes = icd.notes_of(above.code)
        del notes["inclusion_terms"]  # those describe the ancestor itself, not what lies under it
        if any(notes.values()):
            inherited.append(NoteSet(code=above.code, title=above.title, **notes))
    seventh = icd.seventh_character(index, entry)
    return json_response(IcdCodeOut(
        code=entry.code, title=entry.title, kind=entry.kind, billable=entry.billable, year=icd.YEAR,
        parents=[_ref(a) for a in ancestors],
        children=[_ref(index.entries[c]) for c in entry.children],
        inherited=inherited,
        seventh_character=None if seventh is None else SeventhCharacterTable(
            defined_at=seventh[0], note=seventh[1],
            characters=[SeventhCharacter(character=c, meaning=m) for c, m in seventh[2]]),
        **own,
    ))


def _hcpcs_out(code: hcpcs.Code, year: int) -> HcpcsCodeOut:
    return HcpcsCodeOut(code=code.code, descriptor=code.descriptor, category=code.category, year=year,
                        note=code.note)


@routes.get("/api/codebook/hcpcs/search", roles=ANY_USER, query=CodeBookQuery, response=HcpcsSearchOut,
            summary="Search the HCPCS Level II codes the bank uses: a code or its prefix, or words")
async def hcpcs_search(request: web.Request) -> web.Response:
    query = _query(request)
    table = _hcpcs_table()
    return json_response(HcpcsSearchOut(query=query.q, year=table.year,
                                        hits=[_hcpcs_out(c, table.year) for c in table.search(query.q, query.limit)]))


@routes.get("/api/codebook/hcpcs/codes/{code}", roles=ANY_USER, response=HcpcsCodeOut, problems=(NOT_FOUND,),
            summary="One HCPCS Level II code and its short descriptor")
async def hcpcs_code(request: web.Request) -> web.Response:
    raw = request.match_info["code"]
    if len(raw) > 16:
        raise field_problem("code", "at most 16 characters")
    table = _hcpcs_table()
    code = table.find(raw)
    if code is None:
        raise Problem(404, f"{raw} is not in the code book's HCPCS Level II codes")
    return json_response(_hcpcs_out(code, table.year))
