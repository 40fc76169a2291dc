"""Hostile input through the embedded path: each file ends indexed or quarantined with a
readable reason, and nothing crashes."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from config.settings import Settings
from docpipe.events import ObjectCreated
from docpipe.runner import StageRunner, run_document
from tests.conftest import DATA
from tests.docgen import assemble_pdf


def _pdf(pagesize=(595, 842), text="The General Assembly,") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize)
    c.drawString(72, 72, text)
    c.save()
    return buf.getvalue()


def _encrypted() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(_pdf()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def hostile_corpus() -> dict[str, bytes]:
    good = sorted(DATA.glob("*.txt"))[0].read_bytes()
    return {
        "inbox/empty.txt": b"",
        "inbox/random bytes.pdf": os.urandom(4096),
        "inbox/truncated.pdf": _pdf()[:300],
        "inbox/corrupt.pdf": b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n",
        "inbox/encrypted.pdf": _encrypted(),
        "inbox/huge page.pdf": _pdf(pagesize=(200 * 72, 200 * 72)),
        "inbox/too big.txt": good + b" " * (2 * 1024 * 1024),  # over the 1 MiB cap below
        "inbox/invalid utf8.txt": good.replace(b"General Assembly", b"General \xff\xfe Assembly"),
        "inbox/../../escape.txt": good,
        "inbox/résolution ü 中文 (1).txt": good + b"\n",
        "inbox/" + "x" * 240 + ".txt": good + b"\n\n",
        "inbox/with   spaces/and\ttab.txt": good + b"\n\n\n",
    }


@pytest.fixture
def runner(tmp_path):
    return StageRunner.from_settings(Settings(data_dir=tmp_path / "data",
                                              max_input_bytes=1024 * 1024))


def test_every_hostile_file_ends_indexed_or_quarantined(runner):
    outcomes = {}
    for key, data in hostile_corpus().items():
        try:
            runner.store.put(key, data)
        except Exception:  # a key the store refuses still arrives as an event
            pass
        event = ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                              len(data), None, "Test")
        reg = runner.submit(event, "test", lambda ref: run_document(runner, ref, retries=0))
        row = runner.ledger.original(reg.original_id)
        outcomes[key] = (row["state"], row["error"])
    for key, (state, error) in outcomes.items():
        assert state in ("indexed", "quarantined", "duplicate"), (key, state)
        if state == "quarantined":
            assert error and "Traceback" not in error and len(error) < 2000, (key, error)
    assert outcomes["inbox/empty.txt"][0] == "quarantined"
    assert "password" in outcomes["inbox/encrypted.pdf"][1]
    assert "limit" in outcomes["inbox/too big.txt"][1]
    assert "escapes" in outcomes["inbox/../../escape.txt"][1]
    assert outcomes["inbox/invalid utf8.txt"][0] == "indexed"
    assert outcomes["inbox/résolution ü 中文 (1).txt"][0] == "indexed"
    assert outcomes["inbox/with   spaces/and\ttab.txt"][0] == "indexed"
    # Quarantined originals left the inbox (where the store could hold them).
    assert runner.store.exists("quarantine/encrypted.pdf")
    assert runner.store.exists("quarantine/encrypted.pdf.reason.json")
    assert not runner.store.exists("inbox/encrypted.pdf")


def _decompression_bomb(side: int = 20_000) -> bytes:
    """A one-page PDF whose image declares side x side grey pixels of compressed zeros:
    a few hundred kilobytes on disk, hundreds of megabytes once decoded."""
    import zlib

    packer = zlib.compressobj(9)
    row_block = bytes(side * 1000)
    stream = b"".join(packer.compress(row_block) for _ in range(side // 1000)) + packer.flush()
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (
            side, side, len(stream)) + stream + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return assemble_pdf(objects)


def test_a_decompression_bomb_and_a_50_mb_text_are_refused_before_they_cost(tmp_path):
    runner = StageRunner.from_settings(Settings(data_dir=tmp_path / "data"))
    good = sorted(DATA.glob("*.txt"))[0].read_bytes()
    files = {"inbox/bomb.pdf": _decompression_bomb(),
             "inbox/50 MB.txt": (good + b"\n") * (50 * 1024 * 1024 // (len(good) + 1))}
    assert len(files["inbox/bomb.pdf"]) < 1024 * 1024
    assert len(files["inbox/50 MB.txt"]) > 49 * 1024 * 1024
    for key, data in files.items():
        runner.store.put(key, data)
        reg = runner.submit(ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                                          len(data), None, "Test"), "test",
                            lambda ref: run_document(runner, ref, retries=0))
        row = runner.ledger.original(reg.original_id)
        assert row["state"] == "quarantined", (key, row["error"])
    errors = {row["key"]: row["error"] for row in runner.ledger.status()}
    assert "decompression bomb" in " ".join(errors.values())
    assert "characters of text" in " ".join(errors.values())
