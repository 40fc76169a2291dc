"""Akoma Ntoso export: schema validity (OASIS akomantoso30.xsd) and structure.

Every exported document is validated against the Akoma Ntoso 3.0 schema vendored in
tests/data/akn (see its NOTICE.md), and its structure is checked against the
Document it came from: one container per preambular paragraph, one paragraph per
operative paragraph, points for sub-paragraphs, each footnote marker replaced by
one authorialNote at the marker's position, unique eIds.
"""

from __future__ import annotations

import json
import os
import sys
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pipeline.akn import (AKN_NS, ordinal_words, resolution_iri, session_year, to_akn,
                          work_iri)
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.model import Document, Footnote, OperativeParagraph, Paragraph
from pipeline.segment import MARKER_RE, collect_citations, link_footnotes, segment

SEED = Path(__file__).parents[2] / "shared/corpus/seed"
SCHEMA_PATH = Path(__file__).parent / "data" / "akn" / "akomantoso30.xsd"
NS = {"a": AKN_NS}
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


@pytest.fixture
def gold_doc() -> Document:
    path = SEED / "A_C.2_58_L.37.gold.json"
    if not path.exists():
        pytest.skip(f"the seed corpus is not at {SEED}")
    return Document.model_validate(json.loads(path.read_text(encoding="utf-8")))


def linked(doc: Document) -> Document:
    """What segmentation adds after the paragraphs: footnote links and citations."""
    doc.footnote_links = link_footnotes(doc)
    doc.citations = collect_citations(doc)
    doc.cites = list(dict.fromkeys(c.symbol for c in doc.citations))
    return doc


def local(el) -> str:
    return etree.QName(el).localname


def visible(el) -> tuple[str, list[tuple[str, int]]]:
    """The text of a paragraph element as segmentation wrote it (lines, ``(a)`` numbers),
    without footnote texts, and the (marker, position in that text) of each note."""
    out: list[str] = []
    notes: list[tuple[str, int]] = []
    state = {"after_num": False}

    def walk(node, inline: bool) -> None:
        tag = local(node)
        if tag == "authorialNote":
            notes.append((node.get("marker"), len("".join(out))))
            return
        if tag == "num":
            if local(node.getparent()) == "point":
                out.append(("\n" if out else "") + node.text + " ")
                state["after_num"] = True
            return
        if tag == "p":
            if out and not state["after_num"]:
                out.append("\n")
            state["after_num"] = False
            inline = True
        if inline and node.text:
            out.append(node.text)
        for child in node:
            walk(child, inline)
            if inline and child.tail:
                out.append(child.tail)

    walk(el, False)
    return "".join(out), notes


def check_structure(doc: Document, xml: str, schema: etree.XMLSchema) -> etree._Element:
    root = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(root)
    assert root.tag == f"{{{AKN_NS}}}akomaNtoso"
    [statement] = root
    assert local(statement) == "statement"
    assert statement.get("name") in ("resolution", "draftResolution")

    ident = statement.find("a:meta/a:identification", NS)
    assert ident.get("source") == "#docpipe"
    for level in ("FRBRWork", "FRBRExpression", "FRBRManifestation"):
        frbr = ident.find(f"a:{level}", NS)
        for required in ("FRBRthis", "FRBRuri", "FRBRdate", "FRBRauthor"):
            assert frbr.find(f"a:{required}", NS) is not None, (level, required)
        assert frbr.find("a:FRBRthis", NS).get("value").startswith("/akn/un/statement/")
    assert ident.find("a:FRBRWork/a:FRBRcountry", NS).get("value") == "un"
    assert ident.find("a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "eng"
    orgs = {o.get("eId") for o in statement.iterfind("a:meta/a:references/a:TLCOrganization", NS)}
    assert {"docpipe", "unga"} <= orgs

    formula = statement.find("a:preamble/a:formula", NS)
    assert formula.get("name") == "enactingFormula"
    assert formula.findtext("a:p", namespaces=NS) == doc.opening

    # One container per preambular paragraph, one paragraph per operative paragraph.
    containers = statement.findall("a:preamble/a:container", NS)
    assert [c.get("name") for c in containers] == ["preambularParagraph"] * len(doc.preamble)
    assert [c.get("eId") for c in containers] == [f"preamble__para_{i}"
                                                  for i in range(1, len(doc.preamble) + 1)]
    paragraphs = statement.findall("a:mainBody/a:paragraph", NS)
    assert [p.findtext("a:num", namespaces=NS) for p in paragraphs] == [
        f"{p.number}." for p in doc.operative]

    # Text kept, every marker an authorialNote at its place, in the order of the links.
    links = link_footnotes(doc)
    notes_by_mark = {f.mark: f.text for f in doc.footnotes}
    for (pid, text), el in zip(doc.paragraph_ids(), containers + paragraphs):
        shown, notes = visible(el)
        assert shown == MARKER_RE.sub("", text), pid
        expected = [(l.mark, len(MARKER_RE.sub("", text[:l.offset]))) for l in links
                    if l.paragraph == pid]
        assert notes == expected, pid
        for note in el.iter(f"{{{AKN_NS}}}authorialNote"):
            assert note.get("placement") == "bottom"
            assert "".join(note.itertext()) == notes_by_mark[note.get("marker")]
    in_body = [n for el in containers + paragraphs for n in el.iter(f"{{{AKN_NS}}}authorialNote")]
    assert len(in_body) == len(links)
    placed = {l.mark for l in links}
    assert len(list(root.iter(f"{{{AKN_NS}}}authorialNote"))) == len(links) + len(
        [f for f in doc.footnotes if f.mark not in placed])

    eids = [el.get("eId") for el in root.iter() if el.get("eId")]
    assert len(eids) == len(set(eids)), "eIds must be unique"
    return root


# --- the seed's gold ------------------------------------------------------------------

def test_seed_gold(gold_doc, schema):
    root = check_structure(gold_doc, to_akn(gold_doc), schema)
    statement = root[0]
    assert statement.get("name") == "draftResolution"
    work = statement.find("a:meta/a:identification/a:FRBRWork", NS)
    assert work.find("a:FRBRthis", NS).get("value") == \
        "/akn/un/statement/deliberation/unga/2003/A-C.2-58-L.37/!main"
    assert work.find("a:FRBRuri", NS).get("value") == \
        "/akn/un/statement/deliberation/unga/2003/A-C.2-58-L.37"
    # No date in the scan: the session placeholder, marked as such.
    assert (work.find("a:FRBRdate", NS).get("date"), work.find("a:FRBRdate", NS).get("name")) == \
        ("2003-09-01", "placeholder")
    assert work.find("a:FRBRauthor", NS).get("href") == "#unga-c2"
    assert "unga-c2" in {o.get("eId") for o in root.iter(f"{{{AKN_NS}}}TLCOrganization")}
    preface = statement.find("a:preface", NS)
    assert preface.findtext(".//a:docNumber", namespaces=NS) == "A/C.2/58/L.37"
    assert preface.findtext(".//a:docProponent", namespaces=NS) == \
        "General Assembly, Second Committee"
    assert preface.find(".//a:session", NS).get("value") == "58"
    # 12 markers in the text, and "*" (the sponsor's, not in the text) in the preface.
    assert len(list(root.iter(f"{{{AKN_NS}}}authorialNote"))) == 13
    [star] = preface.findall(".//a:authorialNote", NS)
    assert star.get("marker") == "*" and "Group of 77" in "".join(star.itertext())
    p1_notes = statement.findall("a:preamble/a:container[1]//a:authorialNote", NS)
    assert [n.get("eId") for n in p1_notes] == [f"preamble__para_1__authorialNote_{k}"
                                                for k in range(1, 7)]
    o1_note = statement.find("a:mainBody/a:paragraph[1]//a:authorialNote", NS)
    assert (o1_note.get("marker"), o1_note.get("eId")) == ("12", "para_1__authorialNote_1")
    # Cited regular-session resolutions link to the IRI the naming rule gives them.
    refs = {r.text: r.get("href") for r in root.iter(f"{{{AKN_NS}}}ref")}
    assert refs["56/203"] == "/akn/un/statement/deliberation/unga/2001/56-203"
    assert refs["49/127"] == "/akn/un/statement/deliberation/unga/1994/49-127"
    assert "1995/313" not in refs and "S-21/2" not in refs  # ECOSOC, special session: text


def test_seed_gold_with_links_from_segmentation(gold_doc, schema):
    check_structure(linked(gold_doc), to_akn(gold_doc), schema)


# --- a resolution with sub-paragraphs ------------------------------------------------

def resolution() -> Document:
    return linked(Document(
        symbol="A/RES/58/208", session=58, body="General Assembly", kind="resolution",
        title="International migration and development", agenda_item="91 (c)",
        date="2003-12-23",
        report_line="[on the report of the Second Committee (A/58/483/Add.3)]",
        preamble=[Paragraph(text="Recalling its resolution 56/203 of 21 December 2001,[^1]"),
                  Paragraph(text="Aware of the report,[^2] and of its annex,")],
        operative=[
            OperativeParagraph(number="1", text="Takes note of the report;[^3]"),
            OperativeParagraph(number="2", text=(
                "Calls upon States to consider:[^4]\n(a) Strengthening cooperation;\n"
                "(b) Protecting migrants, in particular:\n(i) Women;[^5]\n(ii) Children;\n"
                "(c) Reporting on progress, as called for in resolution 57/270 B;")),
            OperativeParagraph(number="3", text=(
                "Decides:\n(h) to act;\n(i) to report;\n(j) to remain seized of the matter.")),
        ],
        footnotes=[Footnote(mark=str(k), text=t) for k, t in enumerate(
            ["A/RES/56/203.", "A/58/98.", "A/58/98, annex.", "See resolution 54/212.",
             "E/CN.6/2003/1."], 1)],
    ))


def test_resolution_with_subparagraphs(schema):
    doc = resolution()
    root = check_structure(doc, to_akn(doc), schema)
    statement = root[0]
    assert statement.get("name") == "resolution"
    work = statement.find("a:meta/a:identification/a:FRBRWork", NS)
    assert work.find("a:FRBRthis", NS).get("value") == \
        "/akn/un/statement/deliberation/unga/2003/58-208/!main"
    assert (work.find("a:FRBRdate", NS).get("date"), work.find("a:FRBRdate", NS).get("name")) == \
        ("2003-12-23", "adoption")
    expression = statement.find("a:meta/a:identification/a:FRBRExpression", NS)
    assert expression.find("a:FRBRuri", NS).get("value").endswith("/58-208/eng@2003-12-23")
    assert statement.find(".//a:docDate", NS).get("date") == "2003-12-23"

    para2 = statement.find("a:mainBody/a:paragraph[@eId='para_2']", NS)
    assert para2.findtext("a:intro/a:p", namespaces=NS) == "Calls upon States to consider:"
    points = para2.findall("a:list/a:point", NS)
    assert [p.get("eId") for p in points] == [f"para_2__list_1__point_{n}" for n in "abc"]
    assert [p.findtext("a:num", namespaces=NS) for p in points] == ["(a)", "(b)", "(c)"]
    assert points[0].findtext("a:content/a:p", namespaces=NS) == "Strengthening cooperation;"
    nested = points[1].findall("a:list/a:point", NS)
    assert [p.get("eId") for p in nested] == ["para_2__list_1__point_b__list_1__point_i",
                                              "para_2__list_1__point_b__list_1__point_ii"]
    [note5] = nested[0].iter(f"{{{AKN_NS}}}authorialNote")
    assert (note5.get("marker"), note5.get("eId")) == (
        "5", "para_2__list_1__point_b__list_1__point_i__authorialNote_1")
    # "(i)" after "(h)" is the next letter, not a sub-list.
    para3 = statement.find("a:mainBody/a:paragraph[@eId='para_3']", NS)
    assert [p.findtext("a:num", namespaces=NS) for p in para3.findall("a:list/a:point", NS)] == \
        ["(h)", "(i)", "(j)"]
    # Citations in the text and in footnotes become refs; a lettered one ("57/270 B") too.
    refs = [(r.text, r.get("href")) for r in root.iter(f"{{{AKN_NS}}}ref")]
    assert ("56/203", "/akn/un/statement/deliberation/unga/2001/56-203") in refs
    assert ("A/RES/56/203", "/akn/un/statement/deliberation/unga/2001/56-203") in refs
    assert ("54/212", "/akn/un/statement/deliberation/unga/1999/54-212") in refs
    assert ("57/270", "/akn/un/statement/deliberation/unga/2002/57-270") in refs


def test_draft_with_sponsors_and_star_footnote(schema):
    doc = linked(Document(
        symbol="A/C.3/78/L.60/Rev.1", session=78, body="General Assembly, Third Committee",
        kind="revised draft resolution", sponsors=["Morocco", "Sweden"],
        title="Protection of migrants",
        preamble=[Paragraph(text="Recalling its resolution 77/194,")],
        operative=[OperativeParagraph(number="1", text="Decides to continue.")],
        footnotes=[Footnote(mark="*", text="On behalf of the Group of 77 and China.")]))
    root = check_structure(doc, to_akn(doc), schema)
    assert root[0].get("name") == "draftResolution"
    assert work_iri(doc) == "/akn/un/statement/deliberation/unga/2023/A-C.3-78-L.60-Rev.1"
    sponsors = root.find(".//a:preface/a:p[@class='sponsors']", NS)
    assert [d.text for d in sponsors.findall("a:docProponent", NS)] == ["Morocco", "Sweden"]
    [star] = sponsors.findall("a:authorialNote", NS)
    assert star.get("marker") == "*"


def test_escaping(schema):
    doc = linked(Document(
        symbol="A/C.2/58/L.99", session=58, body="General Assembly, Second Committee",
        title="R&D <b>bold</b>", sponsors=["Trinidad & Tobago"],
        preamble=[Paragraph(text="Recalling <script>alert('x')</script> & R&D,\x0c")],
        operative=[OperativeParagraph(number="1", text="Decides that 1 < 2 & 3 > 2;[^1]")],
        footnotes=[Footnote(mark="1", text="See <i>&amp;</i>.")]))
    xml = to_akn(doc)
    assert "<script>" not in xml and "&lt;script&gt;" in xml and "&amp; R&amp;D" in xml
    root = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(root)
    assert not [el for el in root.iter() if local(el) in ("script", "b", "i")]
    container = root.find(".//a:preamble/a:container/a:p", NS)
    assert "".join(container.itertext()) == "Recalling <script>alert('x')</script> & R&D,"
    assert root.findtext(".//a:docTitle", namespaces=NS) == "R&D <b>bold</b>"
    assert "".join(root.find(".//a:authorialNote", NS).itertext()) == "See <i>&amp;</i>."
    doc.preamble[0].text = doc.preamble[0].text.replace("\x0c", "")
    check_structure(doc, xml, schema)


def test_naming_helpers():
    assert session_year(1) == 1946 and session_year(58) == 2003
    assert resolution_iri(56, 203) == "/akn/un/statement/deliberation/unga/2001/56-203"
    assert [ordinal_words(n) for n in (1, 12, 20, 58, 73, 99)] == [
        "First", "Twelfth", "Twentieth", "Fifty-eighth", "Seventy-third", "Ninety-ninth"]
    undated = Document(symbol=None, session=None, preamble=[Paragraph(text="Noting,")])
    assert work_iri(undated) == "/akn/un/statement/deliberation/unga/0001/unknown"


def test_minimal_document_is_valid(schema):
    doc = Document(preamble=[Paragraph(text="Noting,")])
    check_structure(doc, to_akn(doc), schema)


@pytest.mark.parametrize("name", ["A_RES_58_208.txt", "A_C.2_60_L.12_Rev.1.txt"])
def test_pipeline_output_of_ga_fixtures(name, schema):
    """Through extract, clean and segment: what ``docpipe show --akn`` exports."""
    path = Path(__file__).parent / "data" / name
    doc = segment(clean(extract(path.read_bytes(), path.name)))
    root = check_structure(doc, to_akn(doc), schema)
    assert root[0].get("name") == ("resolution" if "RES" in name else "draftResolution")
    assert root.find(".//a:FRBRWork/a:FRBRdate", NS).get("date") == doc.date


# --- the command ------------------------------------------------------------------------

def test_show_akn_command(tmp_path, schema):
    seed = SEED / "A_C.2_58_L.37.ocr.txt"
    if not seed.exists():
        pytest.skip(f"the seed corpus is not at {SEED}")
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DOCPIPE_STORE_URL", None)

    def docpipe(*args):
        proc = subprocess.run([str(BIN / "docpipe"), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    docpipe("ingest", str(seed), "--json")
    xml = docpipe("show", "A/C.2/58/L.37", "--akn")
    root = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(root)
    assert len(root.findall(".//a:preamble/a:container", NS)) == 11
    assert len(root.findall(".//a:mainBody/a:paragraph", NS)) == 9
    assert re.search(r"<docNumber>A/C\.2/58/L\.37</docNumber>", xml)
