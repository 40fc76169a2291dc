"""Redline: summary lines, terminal and HTML views, and the ``docpipe diff`` command."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess

import pytest

from pipeline.diff import align
from pipeline.model import Document, Footnote, Link, OperativeParagraph, Paragraph, WordChange
from pipeline.redline import (diff_json, inline, label, render_html, render_terminal, sides,
                              summary_lines)
from tests.conftest import BIN, DATA, ROOT

PRE = [
    "Recalling its resolutions 49/127 of 19 December 1994, 50/123 of 20 December 1995 and "
    "56/203 of 21 December 2001 on international migration and development,",
    "Reaffirming the Universal Declaration of Human Rights,[^1] the International Covenant on "
    "Economic, Social and Cultural Rights[^2] and the Convention on the Rights of the Child,[^3]",
    "Bearing in mind the report of the Secretary-General on international migration and "
    "development,[^4]",
]
NOTING = ("Noting with concern that the number of international migrants has grown, in "
          "particular in developing countries, and that migration policies differ widely among "
          "States,")
OPS = [
    "Takes note of the report of the Secretary-General;",
    "Urges Member States and the United Nations system to continue strengthening international "
    "cooperation and arrangements at all levels in the area of international migration and "
    "development in order to address all aspects of migration;",
    "Calls upon all relevant bodies, agencies, funds and programmes of the United Nations system "
    "to continue to address the issue of international migration and development, with a view "
    "to integrating migration issues, including gender perspective, in a more coherent way;",
    "Requests the Secretary-General, in cooperation with relevant bodies, agencies, funds and "
    "programmes of the United Nations system, to continue convening regular meetings in order "
    "to coordinate activities regarding international migration;",
    "Calls upon Member States to consider:\n(a) Strengthening cooperation on migration at the "
    "bilateral, regional and global levels;\n(b) Protecting the human rights of all migrants;",
    "Requests the Secretary-General to continue exploring possibilities for the holding of a "
    "United Nations conference on international migration and development;",
    "Decides to convene a high-level dialogue on international migration and development "
    "in 2004;",
    "Decides to include in the provisional agenda of its sixtieth session the sub-item entitled "
    "\u201cInternational migration and development\u201d.",
]
OP7_NEW = ("Decides to convene a high-level dialogue on international migration and development "
           "during its sixty-first session, in 2006;")
FOOTNOTES = [Footnote(mark=str(i), text=t) for i, t in enumerate(
    ["Resolution 217 A (III).", "See resolution 2200 A (XXI), annex.",
     "United Nations, Treaty Series, vol. 1577, No. 27531.", "A/58/98."], 1)]


def doc(pre=PRE, ops=OPS, symbol="A/C.2/58/L.37", numbers=None) -> Document:
    numbers = numbers or [str(i) for i in range(1, len(ops) + 1)]
    return Document(symbol=symbol, title="International migration and development",
                    preamble=[Paragraph(text=t) for t in pre],
                    operative=[OperativeParagraph(number=n, text=t) for n, t in zip(numbers, ops)],
                    footnotes=list(FOOTNOTES))


def changed(old: Document, new: Document) -> tuple[list[Link], list[str]]:
    links = align(old, new)
    return links, summary_lines(old, new, links)


# --- summary lines -----------------------------------------------------------------

def test_modified_line_quotes_the_changed_words():
    ops = list(OPS)
    ops[6] = OP7_NEW
    links, lines = changed(doc(), doc(ops=ops))
    assert [link.as_gold() for link in links if link.status != "unchanged"] == [
        ["O7", "O7", "modified"]]
    assert lines == ['OP7 modified: "in 2004" → "during its sixty-first session, in 2006"']


def test_moved_line_names_both_printed_numbers():
    ops = OPS[:4] + [OPS[6]] + OPS[4:6] + [OPS[7]]
    links, lines = changed(doc(), doc(ops=ops))
    assert ["O7", "O5", "moved"] in [link.as_gold() for link in links]
    assert lines == ["OP5 moved from OP7"]


def test_moved_and_changed_line_has_its_words():
    ops = OPS[:4] + [OP7_NEW] + OPS[4:6] + [OPS[7]]
    _, lines = changed(doc(), doc(ops=ops))
    assert lines == ['OP5 moved from OP7: "in 2004" → "during its sixty-first session, in 2006"']


def test_added_and_deleted_lines():
    pre = PRE[:2] + [NOTING] + PRE[2:]
    ops = OPS[:5] + OPS[6:]
    _, lines = changed(doc(), doc(pre=pre, ops=ops))
    assert lines == [
        'PP3 added: "Noting with concern that the number of international ..."',
        'OP6 deleted: "Requests the Secretary-General to continue exploring possibilities for ..."',
    ]


def test_labels_use_printed_operative_numbers():
    d = doc(numbers=["1", "2", "3", "4", "4 bis", "5", "6", "7."])
    assert label(d, "P2") == "PP2"
    assert label(d, "O5") == "OP4 bis"
    assert label(d, "O8") == "OP7"


def test_pure_insertion_is_quoted_with_context():
    ops = list(OPS)
    ops[0] = "Takes note with appreciation of the report of the Secretary-General;"
    _, lines = changed(doc(), doc(ops=ops))
    assert lines == ['OP1 modified: "Takes note of the report" → '
                     '"Takes note with appreciation of the report"']


def test_no_changes_no_lines():
    assert changed(doc(), doc())[1] == []


def test_diff_json_shape():
    ops = list(OPS)
    ops[6] = OP7_NEW
    old, new = doc(), doc(ops=ops)
    out = diff_json(old, new, align(old, new), "OLD", "NEW")
    assert out["format"] == "docpipe-diff-gold/1" and out["old"] == "OLD" and out["new"] == "NEW"
    assert ["O7", "O7", "modified"] in out["links"]
    assert out["changes"] == [{"old": "O7", "new": "O7", "status": "modified", "words": [
        ["equal", "Decides to convene a high-level dialogue on international migration and "
                  "development "],
        ["insert", "during its sixty-first session, "], ["equal", "in "], ["delete", "2004"],
        ["insert", "2006"], ["equal", ";"]]}]
    assert out["summary"] == ['OP7 modified: "in 2004" → "during its sixty-first session, in 2006"']
    json.dumps(out)


# --- laying words back on the printed text -------------------------------------------

@pytest.mark.parametrize("old_text,new_text", [
    (PRE[1], PRE[1].replace("the Convention", "the International Convention")),
    (OPS[4], OPS[4].replace("all migrants;", "all migrants, including women;")),
    (OPS[7], OPS[7].replace("sixtieth", "sixty-first")),
])
def test_sides_keep_markers_line_breaks_and_quotes(old_text, new_text):
    from pipeline.diff import _word_changes
    words = _word_changes(old_text, new_text)
    left, right = sides(old_text, new_text, words)
    assert "".join(p.text for p in left) == old_text
    assert "".join(p.text for p in right) == new_text
    assert {p.op for p in left} <= {"equal", "delete"}
    assert {p.op for p in right} <= {"equal", "insert"}
    both = inline(old_text, new_text, words)
    assert "".join(p.text for p in both if p.op != "delete").split() == new_text.split()
    assert "".join(p.text for p in both if p.op != "insert").split() == old_text.split()


def test_sides_fall_back_to_words_when_text_disagrees():
    words = [WordChange(op="equal", text="a "), WordChange(op="insert", text="b")]
    left, right = sides("something else entirely", "x", words)
    assert "".join(p.text for p in right) == "a b"


# --- terminal and HTML ------------------------------------------------------------

def _redline_pair():
    pre = PRE[:2] + ["Noting <script>alert(1)</script> & \"quotes\" that the number of "
                     "international migrants has grown,"] + PRE[2:]
    ops = OPS[:4] + [OP7_NEW] + OPS[4:6] + [OPS[7]]
    ops[0] = "Takes note of the report of the Secretary-General <b>bold</b>;"
    return doc(), doc(pre=pre, ops=ops, symbol="A/C.2/58/L.37/Rev.1")


def test_html_escapes_document_text():
    old, new = _redline_pair()
    out = render_html(old, new, align(old, new), title="<script>alert(2)</script>")
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in out
    assert "<b>bold</b>" not in out and "&lt;b&gt;bold&lt;/b&gt;" in out


def test_html_has_summary_both_views_and_moves():
    old, new = _redline_pair()
    links = align(old, new)
    out = render_html(old, new, links, title="Redline")
    assert out.startswith("<!DOCTYPE html>")
    assert 'id="summary"' in out and 'id="side-by-side"' in out and 'id="inline"' in out
    assert "<del>" in out and "<ins>" in out
    assert 'class="badge moved"' in out and "moved from OP7" in out and "moved to OP5" in out
    assert 'class="row added"' in out and 'class="para added"' in out
    assert "Footnotes" in out and 'id="fn-new-1"' in out and 'href="#fn-new-1"' in out
    for line in summary_lines(old, new, links):
        assert html.escape(line.split(" ", 1)[1]) in out
    # Self-contained: nothing fetched from elsewhere.
    assert "http://" not in out and "https://" not in out and "<link" not in out


def test_terminal_view_lists_changes():
    from rich.console import Console
    old, new = _redline_pair()
    console = Console(record=True, width=100, color_system="truecolor")
    console.print(render_terminal(old, new, align(old, new)))
    text = console.export_text(clear=False)
    assert "1 modified" in text and "1 moved" in text and "1 added" in text
    assert "OP5 moved from OP7" in text and "PP3 added" in text
    styled = console.export_text(styles=True)
    assert "\x1b[" in styled  # deletions and insertions are styled


# --- the docpipe command ---------------------------------------------------------

HEAD = """United Nations                                        {symbol}

General Assembly                                      Distr.: Limited
                                                      {date}

Sixty-first session
Second Committee
Agenda item 52 (c)

Natural disasters and vulnerability

The General Assembly,

Recalling its resolution 59/233 of 22 December 2004 and Economic and
Social Council resolution 2005/4 of 20 July 2005,

"""
DEEPLY = """Deeply concerned at the increasing number and scale of natural disasters,
resulting in massive loss of life and long-term negative social, economic
and environmental consequences for vulnerable societies throughout the
world,

"""
HYOGO = """Taking note of the Hyogo Framework for Action 2005-2015 adopted by the
World Conference on Disaster Reduction,

"""
CALLS = """Calls upon the international community to continue to address ways and
means, including through cooperation and technical assistance, to reduce
the adverse effects of natural disasters;"""
ENCOURAGES = """Encourages Member States to develop early warning systems and to
strengthen national disaster management capacities;"""
STRESSES = """Stresses the importance of international cooperation in support of the
efforts of affected countries to deal with natural disasters;"""
REQUESTS = """Requests the Secretary-General to submit to the General Assembly a
report on the implementation of the present resolution in 2004."""


def _ga(symbol: str, date: str, pre: list[str], ops: list[str]) -> str:
    body = "".join(pre) + "".join(f"{i}. {t}\n\n" for i, t in enumerate(ops, 1))
    return HEAD.format(symbol=symbol, date=date) + body


@pytest.fixture
def docpipe(tmp_path):
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DOCPIPE_STORE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "docpipe"), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc
    return run


@pytest.fixture
def two_versions(tmp_path):
    a = tmp_path / "A_C.2_61_L.5.txt"
    b = tmp_path / "A_C.2_61_L.5_Rev.1.txt"
    a.write_text(_ga("A/C.2/61/L.5", "10 October 2006", [DEEPLY],
                     [CALLS, ENCOURAGES, STRESSES, REQUESTS]))
    b.write_text(_ga("A/C.2/61/L.5/Rev.1", "1 November 2006", [HYOGO, DEEPLY],
                     [CALLS, REQUESTS.replace("in 2004", "during its\nsixty-first session, in 2006"),
                      ENCOURAGES]))
    return a, b


def test_cli_diff_json_on_two_text_files(docpipe, two_versions):
    a, b = two_versions
    out = json.loads(docpipe("diff", str(a), str(b), "--json").stdout)
    assert out["format"] == "docpipe-diff-gold/1"
    assert (out["old"], out["new"]) == ("A_C.2_61_L.5", "A_C.2_61_L.5_Rev.1")
    assert out["links"] == [["P1", "P1", "unchanged"], [None, "P2", "added"],
                            ["P2", "P3", "unchanged"], ["O1", "O1", "unchanged"],
                            ["O4", "O2", "moved"], ["O2", "O3", "unchanged"],
                            ["O3", None, "deleted"]]
    assert out["summary"] == [
        'PP2 added: "Taking note of the Hyogo Framework for Action ..."',
        'OP2 moved from OP4: "in 2004" → "during its sixty-first session, in 2006"',
        'OP3 deleted: "Stresses the importance of international cooperation in support ..."']
    moved = [c for c in out["changes"] if c["status"] == "moved"][0]
    assert ["delete", "2004"] in moved["words"] and ["insert", "2006"] in moved["words"]


def test_cli_diff_terminal_and_html(docpipe, two_versions, tmp_path):
    a, b = two_versions
    text = docpipe("diff", str(a), str(b)).stdout
    assert "OP2 moved from OP4" in text and "OP3 deleted" in text
    page = tmp_path / "redline.html"
    docpipe("diff", str(a), str(b), "--html", str(page))
    page_text = page.read_text(encoding="utf-8")
    assert "A/C.2/61/L.5 → A/C.2/61/L.5/Rev.1" in page_text and "moved from OP4" in page_text


def test_cli_diff_and_show_by_symbol(docpipe, two_versions, tmp_path):
    a, b = two_versions
    docpipe("ingest", str(a), str(b))
    out = json.loads(docpipe("diff", "A/C.2/61/L.5", "A/C.2/61/L.5/Rev.1", "--json").stdout)
    assert (out["old"], out["new"]) == ("A/C.2/61/L.5", "A/C.2/61/L.5/Rev.1")
    assert ["O4", "O2", "moved"] in out["links"]
    page = tmp_path / "show.html"
    docpipe("show", "A/C.2/61/L.5/Rev.1", "--html", str(page))
    page_text = page.read_text(encoding="utf-8")
    assert 'id="side-by-side"' in page_text and "OP2</code> moved from OP4" in page_text


# --- a real browser renders it ------------------------------------------------------

def test_chromium_renders_the_redline(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed")
    from pipeline import clean, extract, segment
    src = (DATA / "A_RES_58_208.txt").read_text(encoding="utf-8")
    old = segment.segment(clean.clean(extract.extract(src.encode(), "A_RES_58_208.txt")))
    edited = src.replace("in 2006 a high-level", "during its sixty-first session, in 2006 a "
                         "high-level").replace("1. Takes note of the report of the "
                                               "Secretary-General;\n\n", "")
    new = segment.segment(clean.clean(extract.extract(edited.encode(), "edited.txt")))
    page = tmp_path / "redline.html"
    page.write_text(render_html(old, new, align(old, new), title="Redline"), encoding="utf-8")
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "What changed" in proc.stdout
    assert "during its sixty-first session" in proc.stdout
    assert 'class="badge deleted"' in proc.stdout
