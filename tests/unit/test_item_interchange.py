"""Moodle XML and QTI 2.1 mappings (item_bank.interchange.moodle_qti), on files written the way those
platforms write them, on our own output, and on hostile input. Pure: no database."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import msgspec
import pytest

from item_bank.interchange import moodle_qti as interchange
from item_bank.interchange.schemas import ExportRow
from item_bank.interchange.transfer import FileProblem

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interchange"
YEAR = 2026


def qti_zip(folder: Path = FIXTURES / "qti_choice", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def record(**overrides):
    base = {
        "id": str(uuid.uuid4()),
        "version": 3,
        "status": "approved",
        "domain": "ICD",
        "stem": "A patient with type 2 diabetes is seen.\n\nWhich code is reported for the <visit> & why?",
        "options": [{"label": label, "text": f"Option {label} text"} for label in "ABCD"],
        "key": "C",
        "rationale": "C is right because the guidelines say so; A, B and D are wrong for their reasons.",
        "tags": ["diabetes", "x/y"],
        "code_set_year": 2025,
        "references": ["Guideline I.C.4"],
    }
    base.update(overrides)
    return msgspec.convert(base, ExportRow)  # an item as the exports write it


# ------------------------------------------------------------------ Moodle


def test_moodle_export_of_the_platform_reads_with_area_tags_key_and_reasons():
    rows = interchange.parse((FIXTURES / "moodle_multichoice.xml").read_bytes(), "xml", YEAR)
    by_source = {r.source: r for r in rows}
    assert [r.row for r in rows] == [1, 2, 3, 4, 5, 6]

    diabetes = by_source["Type 2 diabetes without complications"]
    assert diabetes.content is not None
    assert diabetes.content.domain == "ICD"  # from "$course$/top/Default for CPC prep/ICD-10-CM"
    assert diabetes.content.key == "A"  # the answer with fraction="100"
    assert [text for _, text in diabetes.content.options] == ["E11.9", "E10.9", "E11.65", "R73.9"]
    assert diabetes.content.tags == ("diabetes", "endocrine")
    assert diabetes.content.stem.startswith("A 58-year-old patient with type 2 diabetes mellitus")
    assert "<p" not in diabetes.content.stem and "&nbsp;" not in diabetes.content.stem
    assert diabetes.content.rationale.startswith("E11.9 reports type 2 diabetes")
    assert "1 embedded file(s) (left out)" in diabetes.not_carried
    assert "img in the text (left out)" in diabetes.not_carried
    assert diabetes.item_id is None  # Moodle's own idnumber is not one of our ids

    drug = by_source["Ceftriaxone injection"]
    assert drug.content is not None and drug.content.domain == "HCPCS" and drug.content.tags == ("drugs",)
    # No general feedback: the answers' feedback becomes the rationale, answer by answer.
    assert drug.content.rationale.splitlines()[0] == "A. J0696 is ceftriaxone sodium, per 250 mg."

    refused = {r.source: [e.field for e in r.errors] for r in rows if r.content is None}
    assert refused == {
        "Name of question": ["options"],  # Moodle's documented example: three answers
        "Five answers": ["options"],
        "Two correct answers": ["key"],
        "True or false": ["type"],
    }
    assert "3 answers" in by_source["Name of question"].errors[0].message


def test_moodle_category_without_an_area_takes_the_default_or_is_refused():
    xml = (FIXTURES / "moodle_multichoice.xml").read_bytes().replace(b"/ICD-10-CM<", b"/Week 3<")
    rows = interchange.parse(xml, "xml", YEAR)
    assert [e.field for e in rows[0].errors] == ["domain"]
    rows = interchange.parse(xml, "xml", YEAR, default_domain="GUIDE")
    assert rows[0].content is not None and rows[0].content.domain == "GUIDE"


def test_moodle_round_trip_keeps_ids_text_and_tags():
    records = [record(), record(domain="HCPCS", key="A", tags=[]), record(domain="ICD", stem="Plain stem text here.")]
    state: dict = {}
    data = interchange.moodle_header() + b"".join(interchange.moodle_questions(records, state))
    data += interchange.moodle_footer()
    assert data.count(b'<question type="category">') == 3  # ICD, HCPCS, ICD again
    assert b"<text>$course$/top/ICD-10-CM</text>" in data and b"$course$/top/HCPCS Level II" in data
    rows = interchange.parse(data, "moodle", YEAR)
    for row, rec in zip(rows, records, strict=True):
        assert row.content is not None, row.errors
        assert str(row.item_id) == rec.id
        assert row.content.stem == rec.stem
        assert row.content.key == rec.key and row.content.domain == rec.domain
        assert [t for _, t in row.content.options] == [o.text for o in rec.options]
        assert row.content.rationale == rec.rationale
        assert list(row.content.tags) == rec.tags
        assert row.keep == ("references", "code_set_year")  # not carried by Moodle: an update keeps them
        assert row.not_carried == []


# ------------------------------------------------------------------ QTI


def test_qti_package_as_the_ims_examples_write_it():
    rows = interchange.parse(qti_zip(), "qti", YEAR)
    assert [r.source for r in rows] == ["choice", "choice_laterality"]
    luggage, fracture = rows
    # The IMS choice.xml example itself: three choices and a picture; no area in its metadata.
    assert luggage.content is None
    assert {e.field for e in luggage.errors} == {"options", "domain"}
    assert "img in the text (left out)" in luggage.not_carried
    assert fracture.content is not None, fracture.errors
    assert fracture.content.domain == "ICD"  # the LOM classification's taxon
    assert fracture.content.tags == ("fractures", "seventh character")  # the LOM keywords
    assert fracture.content.key == "B"  # correctResponse ChoiceB
    assert [t for _, t in fracture.content.options] == ["S52.321A", "S52.324A", "S52.324D", "S52.325A"]
    assert fracture.content.stem == (
        "A patient is seen for an initial encounter for a closed nondisplaced transverse fracture of the shaft "
        "of the right radius.\n\nWhich ICD-10-CM code captures the laterality and the encounter?"
    )
    assert fracture.content.rationale.startswith("S52.324A is a nondisplaced transverse fracture")


def test_qti_single_item_file_and_default_domain():
    data = (FIXTURES / "qti_choice" / "choice_laterality.xml").read_bytes()
    rows = interchange.parse(data, "xml", YEAR, default_domain="ICD")
    assert rows[0].content is not None and rows[0].content.domain == "ICD"


def test_qti_round_trip_keeps_ids_versions_areas_and_tags():
    records = [record(), record(domain="CPT-20000", tags=["spine"], version=7)]
    package = interchange.qti_package(records)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = set(archive.namelist())
        assert "imsmanifest.xml" in names
        assert {f"items/{r.id}.xml" for r in records} <= names
        item = archive.read(f"items/{records[0].id}.xml")
    assert b'maxChoices="1"' in item and b"<correctResponse><value>ChoiceC</value>" in item
    rows = interchange.parse(package, "qti", YEAR)
    for row, rec in zip(rows, records, strict=True):
        assert row.content is not None, row.errors
        assert str(row.item_id) == rec.id and row.base_version == rec.version
        assert row.content.domain == rec.domain and list(row.content.tags) == rec.tags
        assert row.content.stem == rec.stem and row.content.rationale == rec.rationale
        assert row.content.key == rec.key


# ------------------------------------------------------------------ hostile input

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="multichoice"><name><text>&lol4;</text></name></question></quiz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><questiontext><text>&secret;</text></questiontext></question></quiz>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entities_and_dtds_are_refused(data):
    with pytest.raises(FileProblem) as caught:
        interchange.parse(data, "moodle", YEAR)
    assert caught.value.errors[0].field == "body"
    assert "DOCTYPE" in caught.value.errors[0].message


def test_entities_inside_a_package_are_refused_too():
    package = qti_zip(extra={"evil.xml": EXTERNAL_ENTITY})
    manifest = (FIXTURES / "qti_choice" / "imsmanifest.xml").read_bytes().replace(
        b'href="choice.xml">', b'href="evil.xml">', 1
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, manifest if info.filename == "imsmanifest.xml" else src.read(info))
    rows = interchange.parse(buffer.getvalue(), "qti", YEAR)
    assert rows[0].content is None and "DOCTYPE" in rows[0].errors[0].message
    assert rows[1].content is not None


def test_zip_bomb_by_size_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(interchange, "MAX_UNCOMPRESSED", 100_000)
    package = qti_zip(extra={"padding.bin": b"\0" * 200_000})
    with pytest.raises(FileProblem, match="unpacks to"):
        interchange.parse(package, "qti", YEAR)


def test_a_member_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(interchange, "MAX_MEMBER", 50_000)
    manifest = b"<manifest>" + b" " * 60_000 + b"</manifest>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
    with pytest.raises(FileProblem, match="too large"):
        interchange.parse(buffer.getvalue(), "qti", YEAR)


def test_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(interchange, "MAX_MEMBERS", 5)
    package = qti_zip(extra={f"x/{i}.txt": b"x" for i in range(10)})
    with pytest.raises(FileProblem, match="files in the package"):
        interchange.parse(package, "qti", YEAR)


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:/evil.xml", "a\\..\\evil.xml"])
def test_members_leaving_the_package_are_refused(name):
    package = qti_zip(extra={name: b"<x/>"})
    with pytest.raises(FileProblem, match="points outside"):
        interchange.parse(package, "qti", YEAR)


def test_manifest_href_leaving_the_package_is_a_refused_row():
    manifest = (FIXTURES / "qti_choice" / "imsmanifest.xml").read_bytes().replace(
        b'href="choice.xml">', b'href="../../etc/passwd">', 1
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(qti_zip())) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, manifest if info.filename == "imsmanifest.xml" else src.read(info))
    rows = interchange.parse(buffer.getvalue(), "qti", YEAR)
    assert rows[0].content is None and rows[0].errors[0].field == "href"


@pytest.mark.parametrize(
    ("data", "fmt", "match"),
    [
        (b"not a zip at all", "qti", "QTI"),
        (b"PK\x03\x04garbage", "qti", "not a zip"),
        (b"<quiz><question", "moodle", "well-formed"),
        (b"<html/>", "moodle", "<quiz>"),
    ],
)
def test_files_that_are_not_what_they_claim(data, fmt, match):
    with pytest.raises(FileProblem, match=match):
        interchange.parse(data, fmt, YEAR)


def test_a_package_without_a_manifest_or_items():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("items/a.xml", b"<x/>")
    with pytest.raises(FileProblem, match="imsmanifest.xml"):
        interchange.parse(buffer.getvalue(), "qti", YEAR)


def test_a_real_zip_bomb_is_refused_from_its_directory_alone():
    """80 MiB of zeros packs into well under 1 MiB: refused on the declared sizes, never unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", b"<manifest/>")
        with archive.open("items/zeros.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(80):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1 << 20
    with pytest.raises(FileProblem, match="unpacks to"):
        interchange.parse(data, "qti", YEAR)


QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "' + b"x" * 50_000 + b'">]><quiz>' + b"&a;" * 1000 + b"</quiz>"
)


def test_quadratic_blowup_is_refused():
    with pytest.raises(FileProblem, match="DOCTYPE"):
        interchange.parse(QUADRATIC, "moodle", YEAR)
