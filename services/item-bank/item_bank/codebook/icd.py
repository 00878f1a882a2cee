"""ICD-10-CM in memory: every code of the tabular list, and a search over it. No I/O.

The package ships the tabular list only (no alphabetic index), so the text search runs over what
the tabular list holds: each code's title and the terms listed under it ("Includes" and the
inclusion terms, which read much like index entries: "diabetes NOS", "high blood pressure").
A query that looks like a code ("E11.9", "e119", "S52.5") is answered from the codes instead:
the code itself first, then what lies under it, level by level.

Ranking of a text query: every word of the query must start a word of the entry (so "diab"
finds diabetes); among the entries that match, the one with the least left over wins, where
what is left over is weighed by how rare it is (idf), so "Type 2 diabetes mellitus without
complications" ranks above "... with hyperglycemia" for "type 2 diabetes". Titles weigh a
little more than listed terms, and a billable code a little more than a heading.

`build()` takes a second or two (about 100,000 codes): run it off the event loop, once.
"""

from __future__ import annotations

import bisect
import math
import re
import warnings
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

with warnings.catch_warnings():
    # The package reads its data through a deprecated importlib.resources call (not ours to fix).
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

Kind = Literal["chapter", "block", "category", "subcategory", "code"]

# The release simple-icd-10-cm 1.5 ships: the April 1, 2026 update of the FY2026 code set
# (its data files are icd10c-tabular-April-1-2026.xml and code-list-April-2026.txt).
YEAR = 2026
RELEASE = "ICD-10-CM FY2026, April 1, 2026 update (CMS/NCHS tabular list, via simple-icd-10-cm)"

_KINDS: dict[str, Kind] = {
    "chapter": "chapter", "section": "block", "category": "category", "subcategory": "subcategory",
    "extended subcategory": "code",
}
_WORD = re.compile(r"[a-z0-9]+")
_CODE_QUERY = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?\.?$")
_BLOCK_QUERY = re.compile(r"^[A-Z][0-9][0-9A-Z]-[A-Z][0-9][0-9A-Z]$")
STOPWORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"})
MIN_PREFIX = 3  # shorter query words match whole words only ("2" is not "20")
TERM_WEIGHT = 0.9  # a listed term against the title
BILLABLE_WEIGHT = 1.1


def stem(word: str) -> str:
    """A plural's singular, roughly and the same way on both sides ("fractures" -> "fracture")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower())]


def clean(text: str) -> str:
    """The package joins a 7th character's alternative wordings with "/\\t"."""
    return text.replace("/\t", "; ").strip()


@dataclass(slots=True)
class Entry:
    code: str
    title: str
    kind: Kind
    billable: bool
    order: int
    parent: str | None
    children: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Hit:
    code: str
    title: str
    kind: Kind
    billable: bool
    term: str | None = None  # the listed term that matched, when it was not the title


@dataclass(slots=True)
class Index:
    entries: dict[str, Entry]  # by code as written ("E11.9", "E08-E13", "4")
    by_compact: dict[str, str]  # "E119" -> "E11.9"
    compact_sorted: list[str]
    doc_code: list[str]  # document id -> code
    doc_term: list[str | None]  # document id -> the listed term (None: the title)
    doc_score: np.ndarray  # document id -> its score when every query word matches
    postings: dict[str, np.ndarray]  # word -> sorted document ids
    vocabulary: list[str]  # sorted words

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        text = query.strip()
        upper = text.upper().replace(" ", "")
        if _CODE_QUERY.match(upper) or _BLOCK_QUERY.match(upper):
            hits = self.search_code(upper, limit)
            if hits:
                return hits
        return self.search_text(text, limit)

    def search_code(self, code: str, limit: int) -> list[Hit]:
        """The code, then what lies under it level by level; a partial code by prefix."""
        compact = code.replace(".", "").rstrip(".")
        exact = self.entries.get(code) if "-" in code else self.entries.get(self.by_compact.get(compact, ""))
        if exact is not None:
            out = [exact]
            queue = deque(exact.children)
            while queue and len(out) < limit:
                child = self.entries[queue.popleft()]
                out.append(child)
                queue.extend(child.children)
            return [self._hit(e) for e in out]
        if "-" in code:
            return []
        start = bisect.bisect_left(self.compact_sorted, compact)
        found: list[Entry] = []
        for candidate in self.compact_sorted[start:start + 2000]:
            if not candidate.startswith(compact):
                break
            found.append(self.entries[self.by_compact[candidate]])
        found.sort(key=lambda e: (len(e.code), e.order))
        return [self._hit(e) for e in found[:limit]]

    def _matching(self, word: str) -> np.ndarray | None:
        """Which documents hold a word starting with `word` (a whole word when it is short),
        as a mask over all documents."""
        if len(word) < MIN_PREFIX:
            lists = [self.postings[word]] if word in self.postings else []
        else:
            start = bisect.bisect_left(self.vocabulary, word)
            lists = []
            for vocab in self.vocabulary[start:]:
                if not vocab.startswith(word):
                    break
                lists.append(self.postings[vocab])
        if not lists:
            return None
        mask = np.zeros(len(self.doc_code), dtype=bool)
        for ids in lists:
            mask[ids] = True
        return mask

    def search_text(self, query: str, limit: int) -> list[Hit]:
        terms = [w for w in dict.fromkeys(words(query)) if w not in STOPWORDS] or words(query)
        if not terms:
            return []
        mask: np.ndarray | None = None
        for term in terms:
            found = self._matching(term)
            if found is None:
                return []
            mask = found if mask is None else mask & found
        assert mask is not None  # terms is not empty
        docs = np.flatnonzero(mask)
        if not len(docs):
            return []
        scores = self.doc_score[docs]
        take = min(len(docs), limit * 4)
        if take < len(docs):
            top = np.argpartition(-scores, take - 1)[:take]
            docs, scores = docs[top], scores[top]
        # Highest score first; ties in tabular order (document ids follow it).
        ranked = docs[np.lexsort((docs, -scores))]
        out: list[Hit] = []
        seen: set[str] = set()
        for doc in ranked.tolist():
            code = self.doc_code[doc]
            if code in seen:
                continue
            seen.add(code)
            out.append(self._hit(self.entries[code], self.doc_term[doc]))
            if len(out) == limit:
                break
        return out

    def _hit(self, entry: Entry, term: str | None = None) -> Hit:
        return Hit(code=entry.code, title=entry.title, kind=entry.kind, billable=entry.billable, term=term)

    # ------------------------------------------------------------------ lookup

    def find(self, code: str) -> Entry | None:
        """A code as typed: any case, with or without its dot."""
        text = code.strip().upper()
        if text in self.entries:
            return self.entries[text]
        name = self.by_compact.get(text.replace(".", ""))
        return None if name is None else self.entries[name]

    def ancestors(self, entry: Entry) -> list[Entry]:
        """From the chapter down to the parent."""
        chain: list[Entry] = []
        parent = entry.parent
        while parent is not None and parent != entry.code and len(chain) < 10:  # the tree is at most 8 deep
            chain.append(self.entries[parent])
            parent = self.entries[parent].parent
        return chain[::-1]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def notes_of(code: str) -> dict[str, list[str]]:
    """The instructional notes written at this code itself (not inherited)."""
    return {
        "includes": list(cm.get_includes(code)),
        "inclusion_terms": list(cm.get_inclusion_term(code)),
        "excludes1": list(cm.get_excludes1(code)),
        "excludes2": list(cm.get_excludes2(code)),
        "code_first": _lines(cm.get_code_first(code)),
        "use_additional_code": _lines(cm.get_use_additional_code(code)),
        "code_also": _lines(cm.get_code_also(code)),
        "notes": _lines(cm.get_notes(code)),
    }


def seventh_character(index: Index, entry: Entry) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(the code that defines the table, its note, [(character, meaning)]) when this code takes,
    or has, a 7th character: the table is written once, at the category (S52) or above."""
    if entry.kind in ("chapter", "block"):
        return None
    for holder in [entry, *reversed(index.ancestors(entry))]:
        if holder.kind in ("chapter", "block"):
            break
        table = cm.get_seven_chr_def(holder.code)
        if table:
            note = cm.get_seven_chr_note(holder.code, search_in_ancestors=True)
            return holder.code, note, [(char, clean(meaning)) for char, meaning in table.items()]
    return None


def build() -> Index:
    """Every code of the shipped release, and the search index over titles and listed terms."""
    entries: dict[str, Entry] = {}
    for order, code in enumerate(_tabular_order()):
        if code in entries:
            continue  # a block named like a code (B99): the code is the one looked up
        parent = cm.get_parent(code) or None
        if parent == code:
            # A block that holds one category of the same name (B20, Z66): one entry, the category,
            # directly under the chapter.
            parent = cm.get_parent(code, prioritize_blocks=True) or None
            kind: Kind = "category"
        else:
            kind = _KINDS[_kind_of(code)]
        entries[code] = Entry(code=code, title=clean(cm.get_description(code)), kind=kind,
                              billable=kind not in ("chapter", "block") and cm.is_leaf(code),
                              order=order, parent=parent)
    for entry in entries.values():
        if entry.parent is not None and entry.parent != entry.code:
            entries[entry.parent].children.append(entry.code)
    by_compact = {e.code.replace(".", ""): e.code for e in entries.values() if e.kind not in ("chapter", "block")}

    # Documents: each title and each listed term of the codes a reader searches by words (the
    # generated 7th-character codes are found by their code, not by their shared wording).
    doc_code: list[str] = []
    doc_term: list[str | None] = []
    doc_words: list[set[str]] = []
    doc_weight: list[float] = []
    for entry in sorted(entries.values(), key=lambda e: e.order):
        if entry.kind == "code":
            continue
        texts: list[tuple[str | None, str]] = [(None, entry.title)]
        if entry.kind != "chapter":
            texts += [(t, t) for t in (*cm.get_inclusion_term(entry.code), *cm.get_includes(entry.code))]
        for term, text in texts:
            found = set(words(text))
            if not found:
                continue
            doc_code.append(entry.code)
            doc_term.append(term)
            doc_words.append(found)
            doc_weight.append((1.0 if term is None else TERM_WEIGHT) * (BILLABLE_WEIGHT if entry.billable else 1.0))
    df: dict[str, int] = defaultdict(int)
    postings_lists: dict[str, list[int]] = defaultdict(list)
    for doc, found in enumerate(doc_words):
        for word in found:
            df[word] += 1
            postings_lists[word].append(doc)
    n = len(doc_words)
    idf = {word: math.log(1 + n / count) for word, count in df.items()}
    norms = np.array([math.sqrt(sum(idf[w] ** 2 for w in found)) for found in doc_words])
    doc_score = np.array(doc_weight) / norms
    postings = {word: np.array(ids, dtype=np.int32) for word, ids in postings_lists.items()}
    return Index(entries=entries, by_compact=by_compact, compact_sorted=sorted(by_compact),
                 doc_code=doc_code, doc_term=doc_term, doc_score=doc_score, postings=postings,
                 vocabulary=sorted(postings))


def _tabular_order() -> list[str]:
    """Every code, chapters first and each followed by what lies under it, as the tabular list
    prints them. Walked here rather than taken from `cm.get_all_codes`, which fills a module-level
    list on its first call: two threads calling it at once can each see it half-filled."""
    chapters = []
    number = 1
    while cm.is_valid_item(str(number)) and cm.is_chapter(str(number)):
        chapters.append(str(number))
        number += 1
    out: list[str] = []
    stack = chapters[::-1]
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(reversed(cm.get_children(code)))
    return out


def _kind_of(code: str) -> str:
    if cm.is_chapter(code):
        return "chapter"
    if cm.is_block(code):
        return "section"
    if cm.is_extended_subcategory(code):
        return "extended subcategory"
    if cm.is_category(code):
        return "category"
    return "subcategory"
