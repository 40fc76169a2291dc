"""What a user reads (``show``, the API, the redline) is the text the index holds: the
corrections an earlier version gave evidence for, each listed for audit."""

from __future__ import annotations

import hashlib
import json

from config.settings import Settings
from corpus.build import SOURCES, build_one
from docpipe.events import ObjectCreated
from docpipe.runner import StageRunner, run_document
from docpipe.service import document_view, stored_comparison

OLD, NEW = "A_C.2_61_L.40", "A_C.2_61_L.40_Rev.1"


def ingest(runner: StageRunner, name: str, data: bytes) -> str:
    key = f"inbox/{name}"
    runner.store.put(key, data)
    reg = runner.submit(ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                                      len(data), None, "Test"), "test",
                        lambda ref: run_document(runner, ref))
    return runner.ledger.original(reg.original_id)["symbol"]


def test_show_gives_the_corrected_text_and_lists_each_correction(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for stem in (OLD, NEW):
        build_one(json.loads((SOURCES / f"{stem}.gold.json").read_text()), stem, str(corpus),
                  ("txt",))
    runner = StageRunner.from_settings(Settings(data_dir=tmp_path / "data"))
    ingest(runner, f"{OLD}.txt", (corpus / f"{OLD}.txt").read_bytes())
    text = (corpus / f"{NEW}.txt").read_text(encoding="utf-8")
    # "and" read as "wad" in the body (a real but rare word: cleaning alone leaves it)
    start = text.index("The General Assembly")
    at = text.index(" and ", start)
    damaged = text[:at] + " wad " + text[at + 5:]
    symbol = ingest(runner, f"{NEW}.txt", damaged.encode("utf-8"))

    row = runner.ledger.document_by_symbol(symbol)
    view = document_view(runner, row)
    assert view["predecessor"] is not None
    fixes = [c for c in view["corrections"] if c["before"] == "wad"]
    assert fixes and fixes[0]["after"] == "and" and fixes[0]["rule"] == "version-evidence"
    paragraph = fixes[0]["paragraph"]
    section, k = ("preamble" if paragraph[0] == "P" else "operative"), int(paragraph[1:]) - 1
    assert " wad " not in view[section][k]["text"]

    diff, new, old = stored_comparison(runner, row)
    body = [p.text for p in new.preamble + new.operative]
    assert not any(" wad " in t for t in body)
