"""Wire messages of the code book. Nothing here can carry an item's key or rationale: the code
book knows only the code sets."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Query = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=50)]
Kind = Literal["chapter", "block", "category", "subcategory", "code"]


class CodeBookQuery(msgspec.Struct, forbid_unknown_fields=True):
    q: Query
    limit: Limit = 20


class IcdHit(msgspec.Struct):
    code: str
    title: str
    kind: Kind
    billable: bool
    term: str | None = None  # the listed term (inclusion term) that matched, when not the title


class IcdSearchOut(msgspec.Struct):
    query: str
    year: int
    hits: list[IcdHit]


class IcdRef(msgspec.Struct):
    code: str
    title: str
    kind: Kind
    billable: bool


class NoteSet(msgspec.Struct):
    """The instructional notes written at one code of the tabular list."""

    code: str
    title: str
    includes: list[str] = []
    inclusion_terms: list[str] = []
    excludes1: list[str] = []
    excludes2: list[str] = []
    code_first: list[str] = []
    use_additional_code: list[str] = []
    code_also: list[str] = []
    notes: list[str] = []


class SeventhCharacter(msgspec.Struct):
    character: str
    meaning: str


class SeventhCharacterTable(msgspec.Struct):
    defined_at: str  # the code (category or above) where the table is written
    note: str
    characters: list[SeventhCharacter]


class IcdCodeOut(msgspec.Struct):
    code: str
    title: str
    kind: Kind
    billable: bool
    year: int
    parents: list[IcdRef]  # from the chapter down to the parent
    children: list[IcdRef]
    includes: list[str]
    inclusion_terms: list[str]
    excludes1: list[str]
    excludes2: list[str]
    code_first: list[str]
    use_additional_code: list[str]
    code_also: list[str]
    notes: list[str]
    inherited: list[NoteSet]  # notes written at the ancestors that apply here too, nearest first
    seventh_character: SeventhCharacterTable | None = None


class HcpcsCodeOut(msgspec.Struct):
    code: str
    descriptor: str
    category: str
    year: int
    note: str = ""


class HcpcsSearchOut(msgspec.Struct):
    query: str
    year: int
    hits: list[HcpcsCodeOut]


class CodeSetInfo(msgspec.Struct):
    name: str
    year: int
    release: str
    codes: int


class CptInfo(msgspec.Struct):
    name: str
    note: str


class CodeBookOut(msgspec.Struct):
    icd10cm: CodeSetInfo
    hcpcs: CodeSetInfo
    cpt: CptInfo
