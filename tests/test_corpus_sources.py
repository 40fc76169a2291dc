"""The hand-written corpus sources (corpus/sources) are valid gold, and their diff and
lineage golds agree with the documents they name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "corpus" / "sources"
MARKER = re.compile(r"\[\^([^\]]+)\]")
CITE = re.compile(
    r"^(A/RES/(S-)?\d{1,3}/\d{1,4}"          # A/RES/56/203, A/RES/S-21/2
    r"|A/RES/\d{1,4}\([IVXL]+\)"             # A/RES/217(III)
    r"|[AE]/(RES|DEC)/\d{4}/\d{1,3}"          # E/RES/2004/2, E/DEC/1995/313
    r"|A/DEC/\d{1,3}/\d{1,4}"                # A/DEC/57/542
    r"|S/RES/\d{1,4}\(\d{4}\)"               # Security Council resolution 1540 (2004)
    r"|A/(C\.\d/)?\d{1,3}/(L\.)?\d{1,4}(/Add\.\d+)?(/Rev\.\d+)?)$")  # A/60/205, A/C.2/56/7
STATUSES = {"unchanged", "modified", "moved", "added", "deleted"}
REQUIRED = {"format": str, "symbol": str, "session": int, "body": str, "kind": str,
            "language": str, "title": str, "agenda_item": str, "opening": str,
            "preamble": list, "operative": list, "footnotes": list, "cites": list}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


GOLDS = {p.name[:-len(".gold.json")]: load(p) for p in sorted(SOURCES.glob("*.gold.json"))}
DIFFS = {p.name: load(p) for p in sorted(SOURCES.glob("*.diff.json"))}
LINEAGE = load(SOURCES / "lineage.json")


def norm(text: str) -> str:
    """Markers removed, whitespace collapsed: what decides unchanged vs modified."""
    return " ".join(MARKER.sub("", text).split())


def paragraphs(doc: dict) -> dict[str, str]:
    out = {f"P{i}": p["text"] for i, p in enumerate(doc["preamble"], 1)}
    out.update({f"O{i}": p["text"] for i, p in enumerate(doc["operative"], 1)})
    return out


def test_there_are_enough_documents_and_diffs():
    assert len(GOLDS) >= 20
    assert len(DIFFS) >= 12


def test_corpus_covers_the_harder_structures():
    """What the documents added for issues #3-#5 exercise: keep them in the corpus."""
    texts = {stem: [p["text"] for p in doc["preamble"] + doc["operative"]] for stem, doc in GOLDS.items()}
    bodies = {doc["body"] for doc in GOLDS.values()}
    assert bodies & {"General Assembly, Fourth Committee", "General Assembly, Sixth Committee"}
    assert any(doc["symbol"].endswith("/Rev.1") and "/C.6/" in doc["symbol"] for doc in GOLDS.values())
    # A plenary resolution with (a), (b) and (i), (ii) sub-paragraphs in several paragraphs.
    def nested(doc):
        return [p for p in doc["operative"] if re.search(r"(?m)^\(a\) ", p["text"])
                and re.search(r"(?m)^\(ii\) ", p["text"])]
    assert any(doc["kind"] == "resolution" and doc["report_line"].startswith("[without reference")
               and nested(doc) and sum(1 for p in doc["operative"] if "\n(a) " in p["text"]) >= 2
               for doc in GOLDS.values())
    # A footnote cited in two paragraphs; markers after a closing quote and after a year.
    def repeated(stem):
        found = [m for t in texts[stem] for m in set(MARKER.findall(t)) if m != "*"]
        return len(found) > len(set(found))
    assert any(repeated(stem) for stem in GOLDS)
    joined = " ".join(t for ts in texts.values() for t in ts)
    assert re.search(r"”[,;]?\[\^\d+\]", joined)
    assert re.search(r"\b(19|20)\d\d,?\[\^\d+\]", joined)
    cites = {c for doc in GOLDS.values() for c in doc["cites"]}
    assert any(c.startswith("A/DEC/") for c in cites) and any(c.startswith("E/RES/") for c in cites)
    assert any(re.match(r"^A/RES/\d+\([IVXL]+\)$", c) for c in cites)
    assert re.search(r"\d per cent", joined) and re.search(r"\d,\d{3}", joined)
    # A split: one old paragraph linked to two new ones.
    assert any(len({b for a, b, _ in d["links"] if a == old}) > 1
               for d in DIFFS.values() for old, _, _ in d["links"] if old)


@pytest.mark.parametrize("stem", sorted(GOLDS))
def test_source_is_valid_gold(stem):
    doc = GOLDS[stem]
    for name, kind in REQUIRED.items():
        assert isinstance(doc.get(name), kind), f"{stem}: {name}"
    assert doc["format"] == "docpipe-gold/1"
    assert doc["symbol"].replace("/", "_") == stem
    assert f"/{doc['session']}/" in doc["symbol"]
    assert doc["language"] == "en" and doc["opening"] == "The General Assembly,"
    assert 5 <= len(doc["preamble"]) <= 14 and 5 <= len(doc["operative"]) <= 20
    assert [p["number"] for p in doc["operative"]] == [str(i) for i in range(1, len(doc["operative"]) + 1)]
    for p in doc["preamble"] + doc["operative"]:
        assert p["text"] == p["text"].strip() and "  " not in p["text"]
        head, *subs = p["text"].split("\n")
        for sub in subs:
            # (a), (b), ... and, inside them, (i), (ii), ...
            assert re.match(r"^\(([a-z]|[ivx]+)\) \S", sub), f"{stem}: sub-paragraph {sub[:30]!r}"
    if "/RES/" in doc["symbol"]:
        assert doc["body"] == "General Assembly" and doc["kind"] == "resolution"
        assert re.match(r"^\[(on the report of the \w+ Committee|without reference to a Main "
                        r"Committee) \(A/.+\)\]$", doc.get("report_line", ""))
        assert doc.get("adopted") and not any(n["mark"] == "*" for n in doc["footnotes"])
    else:
        assert doc["kind"] in ("draft resolution", "revised draft resolution")
        assert doc.get("sponsors") and doc.get("date")
        assert any(n["mark"] == "*" for n in doc["footnotes"]), "drafts carry a * footnote"
        if "/C." in doc["symbol"]:
            assert doc["body"].startswith("General Assembly, ") and "Committee" in doc["body"]


@pytest.mark.parametrize("stem", sorted(GOLDS))
def test_markers_and_footnotes_agree(stem):
    doc = GOLDS[stem]
    inline = [m for p in doc["preamble"] + doc["operative"] for m in MARKER.findall(p["text"])]
    marks = [str(n["mark"]) for n in doc["footnotes"]]
    assert len(marks) == len(set(marks)), "footnote marks are unique"
    # A footnote cited again later repeats its number (once per paragraph at most).
    for p in doc["preamble"] + doc["operative"]:
        found = MARKER.findall(p["text"])
        assert len(found) == len(set(found)), f"{stem}: a marker repeated in one paragraph"
    numbered = [m for m in marks if m != "*"]
    assert numbered == [str(i) for i in range(1, len(numbered) + 1)]
    # Every numbered marker has its footnote and vice versa, in order of first appearance;
    # a * sponsor note may have no inline marker (it goes with the sponsor line).
    assert list(dict.fromkeys(m for m in inline if m != "*")) == numbered
    assert set(inline) <= set(marks)
    for n in doc["footnotes"]:
        assert n["text"] and "[^" not in n["text"]


@pytest.mark.parametrize("stem", sorted(GOLDS))
def test_cites_are_normalised_and_printed(stem):
    doc = GOLDS[stem]
    assert len(doc["cites"]) == len(set(doc["cites"]))
    printed = " ".join(norm(p["text"]) for p in doc["preamble"] + doc["operative"])
    printed += " " + " ".join(n["text"] for n in doc["footnotes"])
    for cite in doc["cites"]:
        assert CITE.match(cite), f"{stem}: not normalised: {cite}"
        if m := re.match(r"^A/RES/(\d+)\(([IVXL]+)\)$", cite):  # 217 A (III), 179 (II)
            needle = re.compile(rf"\b{m.group(1)} (?:[A-Z] )?\({m.group(2)}\)")
        elif m := re.match(r"^S/RES/(\d+)\((\d{4})\)$", cite):
            needle = f"Security Council resolution {m.group(1)} ({m.group(2)})"
        elif m := re.match(r"^[AE]/(?:RES|DEC)/(.+)$", cite):
            needle = m.group(1)
        else:
            needle = cite
        found = needle.search(printed) if isinstance(needle, re.Pattern) else needle in printed
        assert found, f"{stem}: {cite} is not in the text"


@pytest.mark.parametrize("name", sorted(DIFFS))
def test_diff_gold_matches_its_documents(name):
    diff = DIFFS[name]
    assert diff["format"] == "docpipe-diff-gold/1"
    assert name == f"{diff['old']}__{diff['new']}.diff.json"
    old, new = paragraphs(GOLDS[diff["old"]]), paragraphs(GOLDS[diff["new"]])
    seen_old, seen_new = set(), set()
    links = [tuple(link) for link in diff["links"]]
    assert len(links) == len(set(links))
    for a, b, status in links:
        assert status in STATUSES
        assert (a is None) == (status == "added") and (b is None) == (status == "deleted")
        assert a is None or a in old, f"{name}: {a} not in {diff['old']}"
        assert b is None or b in new, f"{name}: {b} not in {diff['new']}"
        if a and b:
            assert a[0] == b[0], f"{name}: {a}->{b} crosses sections"
            same = norm(old[a]) == norm(new[b])
            if status == "unchanged":
                assert same, f"{name}: {a}->{b} marked unchanged but differs"
            elif status == "modified":
                assert not same, f"{name}: {a}->{b} marked modified but is the same"
        seen_old.add(a)
        seen_new.add(b)
    assert set(old) <= seen_old, f"{name}: old paragraphs in no link: {set(old) - seen_old}"
    assert set(new) <= seen_new, f"{name}: new paragraphs in no link: {set(new) - seen_new}"
    # A paragraph that is deleted or added is in no other link.
    for a, b, status in links:
        if status == "deleted":
            assert sum(1 for x, _, _ in links if x == a) == 1
        if status == "added":
            assert sum(1 for _, y, _ in links if y == b) == 1


def test_lineage_names_existing_stems_and_matches_the_diffs():
    predecessors = LINEAGE["predecessors"]
    assert set(predecessors) == set(GOLDS)
    for stem, pred in predecessors.items():
        if pred is None:
            continue
        assert pred in GOLDS and pred != stem
        assert GOLDS[pred]["session"] <= GOLDS[stem]["session"]
        assert f"{pred}__{stem}.diff.json" in DIFFS, f"no diff gold for {pred} -> {stem}"
    edges = {(d["old"], d["new"]) for d in DIFFS.values()}
    assert edges == {(p, s) for s, p in predecessors.items() if p}
    listed = [s for series in LINEAGE["series"] for s in series["stems"]]
    assert sorted(listed) == sorted(GOLDS)
    order = LINEAGE["ingest_order"]
    assert sorted(order) == sorted(GOLDS)
    for stem, pred in predecessors.items():
        assert pred is None or order.index(pred) < order.index(stem), f"{pred} after {stem}"


def test_build_writes_text_and_pdf_inputs(tmp_path):
    from corpus.build import build

    build(tmp_path, ["txt", "pdf"], workers=1)
    for stem in GOLDS:
        assert load(tmp_path / f"{stem}.gold.json") == GOLDS[stem]
        assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
        text = (tmp_path / f"{stem}.txt").read_text(encoding="utf-8")
        assert GOLDS[stem]["symbol"] in text and GOLDS[stem]["title"] in text
    assert all((tmp_path / name).exists() for name in DIFFS)
    assert (tmp_path / "lineage.json").exists()
