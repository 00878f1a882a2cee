"""Moodle XML and IMS QTI 2.1: reading other platforms' question banks, and writing ours for them. Pure.

Moodle XML (the "Moodle XML format" of the question bank export):
    <quiz>
      <question type="category"><category><text>$course$/top/ICD-10-CM</text></category></question>
      <question type="multichoice">
        <name><text>…</text></name>
        <questiontext format="html"><text><![CDATA[<p>…</p>]]></text></questiontext>
        <generalfeedback format="html"><text>…</text></generalfeedback>   -> the rationale
        <idnumber>…</idnumber>                                             -> our item id, when it is one
        <single>true</single> <shuffleanswers>…</shuffleanswers> <answernumbering>abc</answernumbering>
        <answer fraction="100" format="html"><text>…</text><feedback>…</feedback></answer>  x 4
        <tags><tag><text>…</text></tag></tags>
      </question>
    </quiz>
  The key is the answer with fraction 100; the content area is the category (its last path part
  that names an area, by name or code).

IMS QTI 2.1: a content package (zip) with imsmanifest.xml listing one resource of type
  imsqti_item_xmlv2p1 per assessmentItem; each item a choiceInteraction with maxChoices="1",
  its key the responseDeclaration's correctResponse. Tags are the resource's LOM keywords, the
  content area a LOM classification (taxon entry) or keyword naming an area; the rationale is
  the item's modalFeedback (or feedbackBlock) text. A single assessmentItem file is read too.

Untrusted input: XML is parsed with defusedxml with DTDs forbidden (no entity expansion, no
external entities), a package's members are checked before anything is read (count, declared
and actual uncompressed size, names that would leave the package), and what an item cannot hold
(images, a fifth answer, several correct answers, per-answer feedback…) is listed per row.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

import defusedxml
import msgspec
from defusedxml import ElementTree as SafeET

from item_bank.interchange.import_rows import FileProblem, Row, check_row
from item_bank.interchange.schemas import ExportRow
from item_bank.items.validation import NO_RATIONALE
from shared.contracts import LABELS
from shared.domains import DOMAIN_BY_CODE, DOMAINS
from shared.errors import FieldError

# What a package may hold before it is refused as a whole (zip bombs, floods of members).
MAX_MEMBERS = 5000
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # all members together
MAX_MEMBER = 4 * 1024 * 1024  # one XML file
MAX_RATIO = 200  # a member that expands more than this from its compressed size is not text we want

QTI_ITEM_TYPES = ("imsqti_item_xmlv2p1", "imsqti_item_xmlv2p2", "imsqti_item_xmlv2p0")
MOODLE_KEEP = ("references", "code_set_year")  # an update from these formats keeps the item's own
QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
IMSCP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
IMSMD_NS = "http://ltsc.ieee.org/xsd/LOM"

_BY_NAME = {d.name.casefold(): d.code for d in DOMAINS} | {d.code.casefold(): d.code for d in DOMAINS}
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|tr|pre|blockquote|ul|ol|table)\s*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_IMG = re.compile(r"<(img|object|embed|video|audio|svg|math)\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v]+")
_LINES = re.compile(r"\n\s*\n+")
_OUR_QTI_ID = re.compile(r"^mockcert-([0-9a-f-]{36})$")


class Item(msgspec.Struct):
    """An item as read from a file, before the bank's rules are applied."""

    domain: str
    stem: str
    options: list[dict[str, str]]
    key: str
    rationale: str
    tags: list[str] = []
    code_set_year: int | None = None
    references: list[str] = []


class _Shape(msgspec.Struct):
    """What check_item reads (options as objects with label and text)."""

    domain: str
    stem: str
    options: list[Any]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int | None
    references: list[str]


class _Option(msgspec.Struct):
    label: str
    text: str


# ------------------------------------------------------------------ reading XML safely


def parse_xml(data: bytes, what: str = "body") -> Element:
    """Parse untrusted XML: no DTD at all (so no entity expansion nor external entity)."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise FileProblem([FieldError(what, "a DOCTYPE (DTD) is not accepted in an imported file")]) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise FileProblem([FieldError(what, "entities are not accepted in an imported file")]) from None
    except SafeET.ParseError as exc:
        raise FileProblem([FieldError(what, f"not well-formed XML: {exc}")]) from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else [c for c in el if _local(c.tag) == name]


def _descendants(el: Element, name: str) -> Iterator[Element]:
    for d in el.iter():
        if _local(d.tag) == name:
            yield d


def _text(el: Element | None) -> str:
    return "" if el is None else "".join(el.itertext())


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Plain text from an HTML fragment, and what it held that text cannot (images, media)."""
    lost = sorted({m.group(1).lower() for m in _IMG.finditer(markup)})
    # In HTML a line break in the source is a space; only elements break lines.
    markup = re.sub(r"[\r\n]+", " ", markup)
    text = _BREAK.sub("\n", _BLOCK_END.sub("\n\n", markup))
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _LINES.sub("\n\n", "\n".join(lines)).strip()
    return text, [f"{kind} in the text (left out)" for kind in lost]


def _moodle_text(el: Element | None) -> tuple[str, list[str]]:
    """A Moodle <…><text>…</text></…> field as plain text, by its format attribute."""
    if el is None:
        return "", []
    raw = _text(_child(el, "text"))
    lost = [f"{len(_children(el, 'file'))} embedded file(s) (left out)"] if _children(el, "file") else []
    if (el.get("format") or "html") in ("plain_text", "markdown"):
        return raw.strip(), lost
    text, more = html_to_text(raw)
    return text, lost + more


def area_of(names: Iterable[str]) -> str | None:
    """The content area a category path or metadata names, by area name or code (last wins)."""
    found = None
    for name in names:
        code = _BY_NAME.get(name.strip().casefold())
        if code is not None:
            found = code
    return found


def _category_parts(path: str) -> list[str]:
    # Moodle writes a "/" inside a category name as "//".
    return [p.replace("\x00", "/") for p in path.replace("//", "\x00").split("/") if p]


def _row(number: int, item: Item, current_year: int, *, item_id: uuid.UUID | None, source: str | None,
         not_carried: list[str], errors: list[FieldError], keep: tuple[str, ...] = MOODLE_KEEP) -> Row:
    extra: dict[str, Any] = {"item_id": item_id, "source": source, "not_carried": not_carried, "keep": keep}
    if errors:
        return Row(row=number, content=None, errors=errors, **extra)
    shape = _Shape(
        domain=item.domain,
        stem=item.stem,
        options=[_Option(o["label"], o["text"]) for o in item.options],
        key=item.key,
        rationale=item.rationale,
        tags=item.tags,
        code_set_year=item.code_set_year,
        references=item.references,
    )
    return check_row(number, shape, current_year, **extra)


def _our_id(raw: str | None) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


# ------------------------------------------------------------------ Moodle XML: read


def parse_moodle(root: Element, current_year: int, default_domain: str | None = None) -> list[Row]:
    if _local(root.tag) != "quiz":
        raise FileProblem([FieldError("body", "a Moodle XML file has <quiz> as its root element")])
    rows: list[Row] = []
    category: str | None = None
    number = 0
    for question in _children(root, "question"):
        qtype = question.get("type", "")
        if qtype == "category":
            path = _text(_child(_child(question, "category"), "text")).strip()
            category = area_of(_category_parts(path))
            continue
        number += 1
        name = _text(_child(_child(question, "name"), "text")).strip() or None
        rows.append(_moodle_question(number, question, qtype, name, category or default_domain, current_year))
    return rows


def _moodle_question(number: int, q: Element, qtype: str, name: str | None, domain: str | None,
                     current_year: int) -> Row:
    not_carried: list[str] = []
    errors: list[FieldError] = []
    if qtype != "multichoice":
        errors.append(FieldError("type", f"a {qtype or 'untyped'} question cannot be carried: "
                                 "items are multiple choice with one answer"))
        return _row(number, _empty(), current_year, item_id=None, source=name, not_carried=[], errors=errors)
    stem, lost = _moodle_text(_child(q, "questiontext"))
    not_carried += lost
    rationale, lost = _moodle_text(_child(q, "generalfeedback"))
    not_carried += lost
    single = _text(_child(q, "single")).strip().lower()
    answers = _children(q, "answer")
    options: list[dict[str, str]] = []
    keys: list[str] = []
    feedback: list[str] = []
    partial = False
    for i, answer in enumerate(answers):
        text, lost = _moodle_text(answer)
        not_carried += lost
        label = LABELS[i] if i < len(LABELS) else f"#{i + 1}"
        options.append({"label": label, "text": text})
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            fraction = 0.0
        if fraction >= 100:
            keys.append(label)
        elif fraction > 0:
            partial = True
        fb, lost = _moodle_text(_child(answer, "feedback"))
        not_carried += lost
        if fb:
            feedback.append(f"{label}. {fb}")
    if len(answers) != len(LABELS):
        errors.append(FieldError("options", f"{len(answers)} answers: an item has exactly {len(LABELS)}"))
    if single in ("false", "0") or len(keys) > 1:
        errors.append(FieldError("key", "several correct answers cannot be carried: an item has one key"))
    elif partial:
        errors.append(FieldError("key", "answers with partial credit cannot be carried: one answer scores 100"))
    elif not keys:
        errors.append(FieldError("key", "no answer has fraction 100"))
    if feedback:
        # Per-answer feedback has no place of its own: it follows the general feedback.
        rationale = "\n\n".join(p for p in (rationale, "\n".join(feedback)) if p)
    if not rationale:
        rationale = NO_RATIONALE
        not_carried.append("no general feedback: a placeholder rationale was written")
    if not domain:
        errors.append(FieldError("domain", "the question's category names no content area "
                                 "(name the area in the category, or import with ?domain=)"))
    tags = [t for t in (_text(_child(tag, "text")).strip() for tag in _descendants(q, "tag")) if t]
    if _child(q, "hint") is not None:
        not_carried.append("hints")
    item = Item(domain=domain or "", stem=stem, options=options, key=keys[0] if keys else "",
                rationale=rationale, tags=tags)
    return _row(number, item, current_year, item_id=_our_id(_text(_child(q, "idnumber"))), source=name,
                not_carried=not_carried, errors=errors)


def _empty() -> Item:
    return Item(domain="", stem="", options=[], key="", rationale="")


# ------------------------------------------------------------------ QTI 2.1: read


def _flat(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


def _qti_text(el: Element | None, skip: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """The text of a QTI body element (XHTML inside), leaving out the named child elements."""
    if el is None:
        return "", []
    parts: list[str] = []
    lost: set[str] = set()

    def walk(node: Element) -> None:
        name = _local(node.tag)
        if name in skip:
            if node.tail:
                parts.append(_flat(node.tail))
            return
        if name in ("img", "object", "math", "video", "audio", "svg"):
            lost.add(name)
        if node.text:
            parts.append(_flat(node.text))
        for child in node:
            walk(child)
        if name == "br":
            parts.append("\n")
        elif name in ("p", "div", "li", "prompt", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "ul",
                      "ol", "table"):
            parts.append("\n\n")
        if node is not el and node.tail:
            parts.append(_flat(node.tail))

    walk(el)
    lines = [_SPACES.sub(" ", line.replace("\xa0", " ")).strip() for line in "".join(parts).split("\n")]
    text = _LINES.sub("\n\n", "\n".join(lines)).strip()
    return text, [f"{kind} in the text (left out)" for kind in sorted(lost)]


class QtiMeta(msgspec.Struct):
    tags: list[str] = []
    areas: list[str] = []  # classification entries and keywords that may name an area
    version: int | None = None


def _lom_meta(meta: Element | None) -> QtiMeta:
    out = QtiMeta(tags=[], areas=[])
    if meta is None:
        return out
    for kw in _descendants(meta, "keyword"):
        for s in [*_descendants(kw, "string"), *_descendants(kw, "langstring")] or [kw]:
            word = _text(s).strip()
            if word and word not in out.tags:
                out.tags.append(word)
    for cls in _descendants(meta, "classification"):
        for entry in _descendants(cls, "entry"):
            for s in [*_descendants(entry, "string"), *_descendants(entry, "langstring")] or [entry]:
                if _text(s).strip():
                    out.areas.append(_text(s).strip())
    for version in _descendants(meta, "version"):
        raw = "".join(_text(s) for s in _descendants(version, "string")) or _text(version)
        if raw.strip().isdigit():
            out.version = int(raw.strip())
    return out


def parse_qti_item(number: int, root: Element, meta: QtiMeta, current_year: int,
                   default_domain: str | None) -> Row:
    source = root.get("identifier") or root.get("title") or None
    errors: list[FieldError] = []
    not_carried: list[str] = []
    if _local(root.tag) != "assessmentItem":
        errors.append(FieldError("item", f"<{_local(root.tag)}> is not an assessmentItem"))
        return _row(number, _empty(), current_year, item_id=None, source=source, not_carried=[], errors=errors)
    body = _child(root, "itemBody")
    interactions = [] if body is None else [d for d in body.iter() if _local(d.tag).endswith("Interaction")]
    choice = next((i for i in interactions if _local(i.tag) == "choiceInteraction"), None)
    if choice is None:
        kinds = ", ".join(sorted({_local(i.tag) for i in interactions})) or "no interaction"
        errors.append(FieldError("type", f"{kinds} cannot be carried: items are one choiceInteraction"))
        return _row(number, _empty(), current_year, item_id=None, source=source, not_carried=[], errors=errors)
    if len(interactions) > 1:
        not_carried.append(f"{len(interactions) - 1} other interaction(s) (left out)")
    stem, lost = _qti_text(body, skip=(_local(choice.tag), "rubricBlock", "feedbackBlock", "feedbackInline"))
    not_carried += lost
    prompt, lost = _qti_text(_child(choice, "prompt"))
    not_carried += lost
    stem = "\n\n".join(p for p in (stem, prompt) if p)
    choices = _children(choice, "simpleChoice")
    ids: list[str] = []
    options: list[dict[str, str]] = []
    for i, c in enumerate(choices):
        text, lost = _qti_text(c, skip=("feedbackInline",))
        not_carried += lost
        ids.append(c.get("identifier", ""))
        options.append({"label": LABELS[i] if i < len(LABELS) else f"#{i + 1}", "text": text})
    if len(choices) != len(LABELS):
        errors.append(FieldError("options", f"{len(choices)} choices: an item has exactly {len(LABELS)}"))
    max_choices = choice.get("maxChoices", "1").strip()
    response_id = choice.get("responseIdentifier", "RESPONSE")
    declaration = next((d for d in _children(root, "responseDeclaration")
                        if d.get("identifier") == response_id), None)
    correct = [_text(v).strip() for v in _children(_child(declaration, "correctResponse"), "value")]
    key = ""
    if max_choices != "1" or (declaration is not None and declaration.get("cardinality", "single") != "single") \
            or len(correct) > 1:
        errors.append(FieldError("key", "several correct answers cannot be carried: an item has one key "
                                 "(maxChoices=\"1\")"))
    elif not correct:
        errors.append(FieldError("key", "no correctResponse in the responseDeclaration"))
    elif correct[0] not in ids:
        errors.append(FieldError("key", f"the correctResponse {correct[0]!r} is not one of the choices"))
    elif ids.index(correct[0]) < len(LABELS):
        key = LABELS[ids.index(correct[0])]
    feedback = [_qti_text(f)[0] for f in _children(root, "modalFeedback")]
    if body is not None:
        feedback += [_qti_text(f)[0] for f in body.iter() if _local(f.tag) in ("feedbackBlock",)]
    rationale = "\n\n".join(f for f in feedback if f)
    if not rationale:
        rationale = NO_RATIONALE
        not_carried.append("no feedback: a placeholder rationale was written")
    if _child(root, "stylesheet") is not None:
        not_carried.append("stylesheet")
    domain = area_of(meta.areas) or area_of(meta.tags) or default_domain
    if not domain:
        errors.append(FieldError("domain", "no content area in the item's metadata "
                                 "(a classification or keyword naming an area, or import with ?domain=)"))
    tags = [t for t in meta.tags if _BY_NAME.get(t.casefold()) is None]
    m = _OUR_QTI_ID.match(root.get("identifier", ""))
    item_id = _our_id(m.group(1)) if m else None
    item = Item(domain=domain or "", stem=stem, options=options, key=key, rationale=rationale, tags=tags)
    row = _row(number, item, current_year, item_id=item_id, source=source, not_carried=not_carried,
               errors=errors)
    row.base_version = meta.version if item_id else None
    return row


def _safe_member(name: str) -> str | None:
    """The member's normalised path inside the package, or None if it would leave it."""
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return None
    norm = posixpath.normpath(name)
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        return None
    return norm


def open_package(data: bytes) -> dict[str, zipfile.ZipInfo]:
    """Check a zip package before reading any of it; return its members by normalised path."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise FileProblem([FieldError("body", "not a zip package")]) from None
    if len(infos) > MAX_MEMBERS:
        raise FileProblem([FieldError("body", f"{len(infos)} files in the package: at most {MAX_MEMBERS}")])
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise FileProblem([FieldError("body", f"the package unpacks to {total} bytes: at most {MAX_UNCOMPRESSED}")])
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.is_dir():
            continue
        path = _safe_member(info.filename)
        if path is None:
            raise FileProblem([FieldError("body", f"the package member {info.filename!r} points outside it")])
        members[path] = info
    return members


def _read_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_MEMBER or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 65536:
        raise FileProblem([FieldError("body", f"{info.filename!r} is too large once unpacked")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(info) as member:
        content = member.read(MAX_MEMBER + 1)  # the header's size could lie: never read more than this
    if len(content) > MAX_MEMBER:
        raise FileProblem([FieldError("body", f"{info.filename!r} is too large once unpacked")])
    return content


def parse_qti_package(data: bytes, current_year: int, default_domain: str | None = None) -> list[Row]:
    members = open_package(data)
    if "imsmanifest.xml" not in members:
        raise FileProblem([FieldError("body", "a QTI content package has imsmanifest.xml at its root")])
    manifest = parse_xml(_read_member(data, members["imsmanifest.xml"]), "imsmanifest.xml")
    rows: list[Row] = []
    number = 0
    package_meta = _lom_meta(_child(manifest, "metadata"))
    for resource in _descendants(manifest, "resource"):
        if resource.get("type", "") not in QTI_ITEM_TYPES:
            continue
        number += 1
        href = resource.get("href") or next((f.get("href") for f in _children(resource, "file")), None) or ""
        path = _safe_member(posixpath.join(posixpath.dirname(resource.get("xml:base", "") or ""), href))
        meta = _lom_meta(_child(resource, "metadata"))
        meta.tags = meta.tags or list(package_meta.tags)
        meta.areas = meta.areas + package_meta.areas
        if path is None or path not in members:
            rows.append(Row(row=number, content=None, source=resource.get("identifier"),
                            errors=[FieldError("href", f"the package has no file {href!r}")]))
            continue
        try:
            root = parse_xml(_read_member(data, members[path]), path)
        except FileProblem as exc:
            rows.append(Row(row=number, content=None, source=resource.get("identifier"), errors=exc.errors))
            continue
        item_meta = _lom_meta(root)  # metadata the item itself may carry (qtiMetadata/LOM inside)
        meta.tags = meta.tags + [t for t in item_meta.tags if t not in meta.tags]
        meta.areas = meta.areas + item_meta.areas
        rows.append(parse_qti_item(number, root, meta, current_year, default_domain))
    if number == 0:
        raise FileProblem([FieldError("imsmanifest.xml", "the manifest lists no QTI 2.1 item "
                                      "(resources of type imsqti_item_xmlv2p1)")])
    return rows


def parse(data: bytes, fmt: str, current_year: int, default_domain: str | None = None) -> list[Row]:
    """Moodle XML, a QTI package (zip) or one QTI item (XML); `xml` means: tell by the root element."""
    if fmt == "qti" and data[:2] == b"PK":
        return parse_qti_package(data, current_year, default_domain)
    if not data.strip():
        return []
    if fmt == "qti" and not data.lstrip().lstrip(b"\xef\xbb\xbf").startswith(b"<"):
        raise FileProblem([FieldError("body", "a QTI 2.1 content package (zip) or one assessmentItem (XML)")])
    root = parse_xml(data)
    if _local(root.tag) == "assessmentItem":
        return [parse_qti_item(1, root, _lom_meta(root), current_year, default_domain)]
    if fmt == "qti":
        raise FileProblem([FieldError("body", "a QTI 2.1 content package (zip) or one assessmentItem")])
    return parse_moodle(root, current_year, default_domain)


# ------------------------------------------------------------------ writing


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _html(text: str) -> str:
    """Plain item text as the HTML Moodle and QTI bodies hold: escaped, line breaks kept."""
    paragraphs = [p for p in text.split("\n\n")]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def moodle_header() -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'


def moodle_footer() -> bytes:
    return b"</quiz>\n"


def moodle_questions(records: Iterable[ExportRow], state: dict[str, str | None]) -> Iterator[bytes]:
    """Questions in Moodle XML; a category question before each change of content area."""
    for r in records:
        domain = r.domain
        if state.get("domain") != domain:
            state["domain"] = domain
            name = DOMAIN_BY_CODE[domain].name if domain in DOMAIN_BY_CODE else domain
            path = "$course$/top/" + name.replace("/", "//")
            yield (
                f'  <question type="category">\n    <category><text>{escape(path)}</text></category>\n'
                f"  </question>\n"
            ).encode()
        answers = "".join(
            f'    <answer fraction="{100 if o.label == r.key else 0}" format="html">\n'
            f"      <text>{_cdata(_html(o.text))}</text>\n"
            f'      <feedback format="html"><text></text></feedback>\n    </answer>\n'
            for o in r.options
        )
        tags = "".join(f"      <tag><text>{escape(t)}</text></tag>\n" for t in r.tags)
        yield (
            '  <question type="multichoice">\n'
            f"    <name><text>{escape(domain)} {str(r.id)[:8]} v{r.version}</text></name>\n"
            f'    <questiontext format="html"><text>{_cdata(_html(r.stem))}</text></questiontext>\n'
            f'    <generalfeedback format="html"><text>{_cdata(_html(r.rationale))}</text></generalfeedback>\n'
            "    <defaultgrade>1.0000000</defaultgrade>\n    <penalty>0.0000000</penalty>\n    <hidden>0</hidden>\n"
            f"    <idnumber>{r.id}</idnumber>\n"
            "    <single>true</single>\n    <shuffleanswers>false</shuffleanswers>\n"
            "    <answernumbering>ABCD</answernumbering>\n    <showstandardinstruction>0</showstandardinstruction>\n"
            '    <correctfeedback format="html"><text></text></correctfeedback>\n'
            '    <partiallycorrectfeedback format="html"><text></text></partiallycorrectfeedback>\n'
            '    <incorrectfeedback format="html"><text></text></incorrectfeedback>\n'
            f"{answers}"
            f"    <tags>\n{tags}    </tags>\n"
            "  </question>\n"
        ).encode()


def qti_item_xml(r: ExportRow) -> bytes:
    choices = "".join(
        f'        <simpleChoice identifier="Choice{o.label}">{escape(o.text)}</simpleChoice>\n'
        for o in r.options
    )
    title = f"{r.domain} {str(r.id)[:8]} v{r.version}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentItem xmlns="{QTI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
        f'    xsi:schemaLocation="{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"\n'
        f'    identifier="mockcert-{r.id}" title={quoteattr(title)} adaptive="false" timeDependent="false">\n'
        '  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">\n'
        f"    <correctResponse><value>Choice{r.key}</value></correctResponse>\n"
        "  </responseDeclaration>\n"
        '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">\n'
        "    <defaultValue><value>0</value></defaultValue>\n  </outcomeDeclaration>\n"
        '  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>\n'
        "  <itemBody>\n"
        f"    <div>{_html(r.stem)}</div>\n"
        '    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">\n'
        f"{choices}"
        "    </choiceInteraction>\n"
        "  </itemBody>\n"
        '  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>\n'
        '  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="RATIONALE" showHide="hide">'
        f"{_html(r.rationale)}</modalFeedback>\n"
        "</assessmentItem>\n"
    ).encode()


def _lom(r: ExportRow) -> str:
    domain = r.domain
    name = DOMAIN_BY_CODE[domain].name if domain in DOMAIN_BY_CODE else domain
    keywords = "".join(
        f"            <imsmd:keyword><imsmd:string>{escape(t)}</imsmd:string></imsmd:keyword>\n" for t in r.tags
    )
    return (
        "      <metadata>\n        <imsmd:lom>\n          <imsmd:general>\n"
        f"            <imsmd:identifier><imsmd:catalog>mockcert</imsmd:catalog>"
        f"<imsmd:entry>{r.id}</imsmd:entry></imsmd:identifier>\n"
        f"{keywords}"
        "          </imsmd:general>\n"
        "          <imsmd:lifeCycle><imsmd:version>"
        f"<imsmd:string>{r.version}</imsmd:string></imsmd:version></imsmd:lifeCycle>\n"
        "          <imsmd:classification>\n            <imsmd:purpose><imsmd:source>LOMv1.0</imsmd:source>"
        "<imsmd:value>discipline</imsmd:value></imsmd:purpose>\n"
        "            <imsmd:taxonPath><imsmd:source><imsmd:string>CPC content areas</imsmd:string></imsmd:source>\n"
        f"              <imsmd:taxon><imsmd:id>{escape(domain)}</imsmd:id>"
        f"<imsmd:entry><imsmd:string>{escape(name)}</imsmd:string></imsmd:entry></imsmd:taxon>\n"
        "            </imsmd:taxonPath>\n          </imsmd:classification>\n"
        "        </imsmd:lom>\n      </metadata>\n"
    )


def qti_package(records: Iterable[ExportRow]) -> bytes:
    """A QTI 2.1 content package: imsmanifest.xml and items/<id>.xml, one per item."""
    buffer = io.BytesIO()
    resources: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for r in records:
            href = f"items/{r.id}.xml"
            archive.writestr(href, qti_item_xml(r))
            resources.append(
                f'    <resource identifier="res-{r.id}" type="imsqti_item_xmlv2p1" href="{href}">\n'
                f"{_lom(r)}"
                f'      <file href="{href}"/>\n    </resource>\n'
            )
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<manifest xmlns="{IMSCP_NS}" xmlns:imsmd="{IMSMD_NS}"\n'
            '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
            f'    xsi:schemaLocation="{IMSCP_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd '
            f'{IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_loose_v1p3p2.xsd"\n'
            '    identifier="mockcert-export">\n'
            "  <metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>\n"
            "  <organizations/>\n  <resources>\n"
            f"{''.join(resources)}"
            "  </resources>\n</manifest>\n"
        )
        archive.writestr("imsmanifest.xml", manifest)
    return buffer.getvalue()
