"""Paragraph genealogy: hand-made series, the index field, and ``docpipe history`` on the corpus."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline.diff import align, diff
from pipeline.genealogy import genealogy, opening_words
from pipeline.index import index_rows
from pipeline.model import DiffResult, Document, Link, OperativeParagraph, Paragraph
from tests.test_diff import OPS, PRE

ROOT = Path(__file__).resolve().parents[1]


def make(symbol: str, session: int, pre: list[str], ops: list[str]) -> Document:
    return Document(symbol=symbol, session=session, preamble=[Paragraph(text=t) for t in pre],
                    operative=[OperativeParagraph(number=str(i), text=t)
                               for i, t in enumerate(ops, 1)])


def links(*triples) -> DiffResult:
    return DiffResult(predecessor="x", links=[Link(old=o, new=n, status=s) for o, n, s in triples])


def summary(g) -> dict:
    return {p.paragraph: (p.first.symbol, [v.symbol for v in p.changed_in]) for p in g.paragraphs}


def test_three_versions_by_hand():
    a = make("A/RES/60/1", 60, ["Recalling A,", "Noting B,"], ["Decides C;", "Requests D;", "Invites E;"])
    b = make("A/C.2/61/L.1", 61, ["Recalling A,", "Noting B, and more,", "Welcoming F,"],
             ["Decides C and requests D;", "Invites E;", "Calls G;"])
    c = make("A/RES/61/9", 61, ["Welcoming F,", "Recalling A,", "Noting B, and more,"],
             ["Decides C", "and requests D;", "Invites E;", "Calls G;"])
    d_ab = links(("P1", "P1", "unchanged"), ("P2", "P2", "modified"), (None, "P3", "added"),
                 ("O1", "O1", "modified"), ("O2", "O1", "modified"), ("O3", "O2", "unchanged"),
                 (None, "O3", "added"))
    d_bc = links(("P3", "P1", "moved"), ("P1", "P2", "unchanged"), ("P2", "P3", "unchanged"),
                 ("O1", "O1", "modified"), ("O1", "O2", "modified"), ("O2", "O3", "unchanged"),
                 ("O3", "O4", "unchanged"))
    first, second, third = genealogy([a, b, c], [None, d_ab, d_bc])

    assert summary(first) == {pid: ("A/RES/60/1", []) for pid in ("P1", "P2", "O1", "O2", "O3")}
    assert summary(second) == {
        "P1": ("A/RES/60/1", []), "P2": ("A/RES/60/1", ["A/C.2/61/L.1"]),
        "P3": ("A/C.2/61/L.1", []),
        "O1": ("A/RES/60/1", ["A/C.2/61/L.1"]),  # a merge: earliest origin, a change here
        "O2": ("A/RES/60/1", []), "O3": ("A/C.2/61/L.1", []),
    }
    assert summary(third) == {
        "P1": ("A/C.2/61/L.1", []),  # moved, same words: no change
        "P2": ("A/RES/60/1", []), "P3": ("A/RES/60/1", ["A/C.2/61/L.1"]),
        # both pieces of a split inherit the merged paragraph's origin and changes
        "O1": ("A/RES/60/1", ["A/C.2/61/L.1", "A/RES/61/9"]),
        "O2": ("A/RES/60/1", ["A/C.2/61/L.1", "A/RES/61/9"]),
        "O3": ("A/RES/60/1", []), "O4": ("A/C.2/61/L.1", []),
    }
    assert [v.session for v in third.by_id()["O1"].changed_in] == [61, 61]
    assert third.by_id()["O1"].sources == ["O1"]
    assert third.introduced_sessions()["P1"] == 61 and third.introduced_sessions()["P2"] == 60


def test_moved_with_changed_words_is_a_change_and_added_restarts():
    a = make("A/1", 1, [], ["Decides X;", "Requests Y;"])
    b = make("A/2", 2, [], ["Requests Y and Z;", "Decides X;"])
    d = links(("O2", "O1", "moved"), ("O1", "O2", "moved"))
    _, g = genealogy([a, b], [None, d])
    assert summary(g) == {"O1": ("A/1", ["A/2"]), "O2": ("A/1", [])}
    # A paragraph no link mentions starts here; a diff for the first document is ignored.
    c = make("A/3", 3, [], ["Decides X;", "Notes W;"])
    _, _, g3 = genealogy([a, b, c], [links(("O9", "O1", "unchanged")), d,
                                     links(("O2", "O1", "unchanged"))])
    assert summary(g3) == {"O1": ("A/1", []), "O2": ("A/3", [])}


def test_lengths_must_agree():
    with pytest.raises(ValueError):
        genealogy([make("A/1", 1, [], [])], [])


def test_series_aligned_by_the_differ():
    """Three versions of the test_diff resolution, diffs from ``pipeline.diff.align``."""
    v1 = make("A/RES/58/1", 58, PRE[:4], OPS[:6])
    ops2 = OPS[:3] + [OPS[3].replace("regular meetings", "annual meetings")] + OPS[4:7]
    v2 = make("A/C.2/59/L.1", 59, PRE[:4] + [PRE[4]], ops2)
    ops3 = [ops2[1], ops2[0]] + ops2[2:] + [OPS[7]]
    v3 = make("A/RES/59/2", 59, PRE, ops3)
    docs = [v1, v2, v3]
    diffs = [None] + [diff(docs[k - 1], docs[k]) for k in (1, 2)]
    g = genealogy(docs, diffs)[-1].by_id()
    assert (g["P1"].first.symbol, g["P5"].first.symbol) == ("A/RES/58/1", "A/C.2/59/L.1")
    assert [v.symbol for v in g["O4"].changed_in] == ["A/C.2/59/L.1"]
    assert g["O1"].first.symbol == "A/RES/58/1" and g["O1"].changed_in == []  # moved only
    assert (g["O7"].first.symbol, g["O8"].first.symbol) == ("A/C.2/59/L.1", "A/RES/59/2")
    assert opening_words(OPS[0], 4) == "Takes note of the ..."


def test_index_rows_carry_the_introduced_session_only_when_given():
    v1 = make("A/RES/58/1", 58, PRE[:2], OPS[:2])
    v2 = make("A/RES/59/1", 59, PRE[:3], OPS[:2])
    d = DiffResult(predecessor=v1.symbol, links=align(v1, v2))
    plain = index_rows("d2", v2, d)
    assert all(r.introduced_session is None for r in plain)
    g = genealogy([v1, v2], [None, d])[-1]
    rows = index_rows("d2", v2, d, genealogy=g)
    assert [r.introduced_session for r in rows if r.type != "footnote"] == [58, 58, 59, 58, 58]
    # Everything else is as without the genealogy.
    assert [r.model_dump(exclude={"introduced_session"}) for r in rows] == \
        [r.model_dump(exclude={"introduced_session"}) for r in plain]
    assert [r.introduced_session for r in index_rows("d2", v2, d, genealogy={"P1": 50})][:2] == [50, None]


# --- docpipe history on the ingested txt corpus ---------------------------------------------

def _gold_genealogy(corpus: Path, stems: list[str]):
    docs = [Document.model_validate(json.loads((corpus / f"{s}.gold.json").read_text())) for s in stems]
    diffs: list[DiffResult | None] = [None]
    for old, new in zip(stems, stems[1:]):
        gold = json.loads((corpus / f"{old}__{new}.diff.json").read_text())
        diffs.append(DiffResult(links=[Link(old=o, new=n, status=s) for o, n, s in gold["links"]]))
    return genealogy(docs, diffs)[-1]


@pytest.fixture(scope="module")
def ingested_corpus(tmp_path_factory):
    from corpus.build import build
    tmp = tmp_path_factory.mktemp("history")
    corpus = tmp / "corpus"
    build(corpus, ("txt",))
    lineage = json.loads((corpus / "lineage.json").read_text())
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(tmp / "data")}
    env.pop("DOCPIPE_STORE_URL", None)
    files = [str(corpus / f"{stem}.txt") for stem in lineage["ingest_order"]]
    proc = subprocess.run([str(ROOT / ".venv/bin/docpipe"), "ingest", *files, "--json"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return corpus, lineage, env


def _history(env, symbol: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv/bin/docpipe"), "history", symbol, *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_history_of_the_migration_series_matches_the_hand_made_diffs(ingested_corpus):
    corpus, lineage, env = ingested_corpus
    stems = next(s["stems"] for s in lineage["series"] if s["name"].startswith("International migration"))
    proc = _history(env, "A/RES/61/208", "--json")
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)
    assert [d["symbol"] for d in view["lineage"]] == \
        ["A/RES/60/227", "A/C.2/61/L.40", "A/C.2/61/L.40/Rev.1", "A/RES/61/208"]
    expected = _gold_genealogy(corpus, stems)
    got = {p["paragraph"]: (p["first_session"], p["first_symbol"],
                            [c["symbol"] for c in p["changed_in"]]) for p in view["paragraphs"]}
    assert got == {p.paragraph: (p.first.session, p.first.symbol, [v.symbol for v in p.changed_in])
                   for p in expected.paragraphs}
    # The reworded split of 60/227's O6 (remittances) is traced back to session 60.
    assert got["O6"][:2] == (60, "A/RES/60/227")

    text = _history(env, "A/RES/61/208")
    assert text.returncode == 0, text.stderr
    assert "A/RES/60/227 (60) → A/C.2/61/L.40 (61)" in text.stdout
    assert "Recalling the high-level dialogue" in text.stdout


def test_history_of_a_first_document_and_of_an_unknown_symbol(ingested_corpus):
    _, _, env = ingested_corpus
    view = json.loads(_history(env, "A/RES/60/227", "--json").stdout)
    assert [d["symbol"] for d in view["lineage"]] == ["A/RES/60/227"]
    assert all(p["first_session"] == 60 and p["changed_in"] == [] for p in view["paragraphs"])
    assert _history(env, "A/RES/99/999").returncode == 1
