"""The embedded mode through the real ``docpipe`` command: local folder store,
SQLite ledger and index under DOCPIPE_DATA_DIR, stages in-process."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import BIN, DATA, ROOT


@pytest.fixture
def docpipe(tmp_path):
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DOCPIPE_STORE_URL", None)

    def run(*args: str, ok: bool = True) -> list[dict] | subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "docpipe"), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        if "--json" not in args:
            return proc
        assert (proc.returncode == 0) == ok, proc.stderr
        return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return run


def test_ingest_the_seed(docpipe, seed_path):
    [doc] = docpipe("ingest", str(seed_path), "--json")
    assert doc["status"] == "indexed" and doc["source"] == str(seed_path)
    assert (len(doc["preamble"]), len(doc["operative"]), len(doc["footnotes"])) == (11, 9, 13)
    assert doc["symbol"] == "A/C.2/58/L.37" and doc["session"] == 58
    assert doc["format"] == "docpipe-gold/1"
    # Markers inline as in the gold format, facts kept as printed.
    assert "adopted at Cairo,[^1] in particular" in doc["preamble"][0]["text"]
    assert "56/203 of 21 February 2001" in doc["preamble"][1]["text"]
    assert doc["predecessor"] is None

    # Ingesting the same file again is the same upload: no second document.
    [again] = docpipe("ingest", str(seed_path), "--json")
    assert again["doc_id"] == doc["doc_id"]
    [row] = docpipe("status", "--json")
    assert row["key"] == "inbox/" + seed_path.name and row["state"] == "indexed"

    hits = docpipe("search", '"brain drain"', "--json")
    assert [(h["symbol"], h["paragraph"]) for h in hits] == [("A/C.2/58/L.37", "P11")]
    [shown] = docpipe("show", "A/C.2/58/L.37", "--json")
    assert shown["operative"] == doc["operative"]


def test_summary_for_people(docpipe, seed_path):
    proc = docpipe("ingest", str(seed_path))
    assert proc.returncode == 0, proc.stderr
    for expected in ("indexed", "A/C.2/58/L.37", "11 preambular, 9 operative", "13"):
        assert expected in proc.stdout


def test_bad_files_are_quarantined_with_a_reason(docpipe, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "random bytes.pdf"
    junk.write_bytes(os.urandom(4096))
    fake_pdf = tmp_path / "truncated.pdf"
    fake_pdf.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    rows = docpipe("ingest", str(empty), str(junk), str(fake_pdf),
                   str(tmp_path / "missing.txt"), "--json", ok=False)
    assert [r["status"] for r in rows] == ["quarantined"] * 4
    for row in rows:
        assert row["error"] and "Traceback" not in row["error"]
    assert "empty" in rows[0]["error"].lower()
    status = {r["key"]: r for r in docpipe("status", "--json")}
    # Known by the key it was uploaded under; the original moved out of the inbox.
    assert status["inbox/random bytes.pdf"]["state"] == "quarantined"
    assert status["inbox/random bytes.pdf"]["stages"]["extract"] == "failed"
    assert status["inbox/random bytes.pdf"]["location"] == "quarantine/random bytes.pdf"


def test_names_with_spaces_and_unicode(docpipe, tmp_path):
    source = sorted(DATA.glob("*.txt"))[0]
    odd = tmp_path / "copy of résolution (1) ü.txt"
    odd.write_bytes(source.read_bytes())
    [doc] = docpipe("ingest", str(odd), "--json")
    assert doc["status"] == "indexed"
    assert doc["key"] == "inbox/copy of résolution (1) ü.txt"


def test_same_bytes_under_another_name_is_a_duplicate(docpipe, tmp_path):
    source = sorted(DATA.glob("*.txt"))[0]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(source.read_bytes())
    [first] = docpipe("ingest", str(source), "--json")
    [second] = docpipe("ingest", str(copy), "--json")
    assert first["status"] == "indexed"
    assert second["status"] == "duplicate" and second["duplicate_of"] == "inbox/" + source.name
    assert second["doc_id"] == first["doc_id"]
    assert len(docpipe("search", first["operative"][0]["text"].split()[1], "--json")) >= 1
    states = sorted(r["state"] for r in docpipe("status", "--json"))
    assert states == ["duplicate", "indexed"]


def test_health_embedded(docpipe):
    checks = docpipe("health", "--json")
    assert {c["check"] for c in checks} == {"store", "ledger", "index"}
    assert all(c["ok"] for c in checks)
