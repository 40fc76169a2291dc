"""The read API, the web page, and the page in headless Chromium.

One data folder per module, filled by the real CLI (``docpipe ingest``) with the seed,
the test documents, and a second revision of A/C.2/60/L.12 whose paragraph 2 quotes
``<script>`` and whose paragraph 3 changed, so there is a stored predecessor, a redline,
and hostile text to escape.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from docpipe.api import create_app
from docpipe.runner import StageRunner
from tests.conftest import DATA, ROOT, SEED_OCR
from tests.stack import free_port, stop_process, wait_for_port

DOCPIPE = ROOT / ".venv" / "bin" / "docpipe"
SCRIPT = "<script>document.body.setAttribute('data-pwned','1')</script>"
REV2 = "A/C.2/60/L.12/Rev.2"


def _revision(tmp: Path) -> Path:
    text = (DATA / "A_C.2_60_L.12_Rev.1.txt").read_text()
    text = text.replace("A/C.2/60/L.12/Rev.1", REV2).replace("sixty-first session",
                                                              "sixty-second session")
    text = text.replace("2. Encourages Member States to:",
                        f"2. Encourages Member States to {SCRIPT} strengthen <b>disaster</b> "
                        "preparedness & to:")
    path = tmp / "A_C.2_60_L.12_Rev.2.txt"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    if not SEED_OCR.exists():
        pytest.skip(f"the seed corpus is not at {SEED_OCR}")
    tmp = tmp_path_factory.mktemp("web")
    data = tmp / "data"
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(data)}
    for key in ("DOCPIPE_STORE_URL", "DOCPIPE_DB_URL", "DOCPIPE_INDEX_URL", "DOCPIPE_EVENTS_URL"):
        env.pop(key, None)
    inputs = [SEED_OCR, *sorted(DATA.glob("*.txt"))]
    subprocess.run([str(DOCPIPE), "ingest", *map(str, inputs)], env=env, check=True,
                   capture_output=True, timeout=300)
    # The revision after its predecessor, so that the diff stage finds Rev.1.
    subprocess.run([str(DOCPIPE), "ingest", str(_revision(tmp))], env=env, check=True,
                   capture_output=True, timeout=300)
    return data


@pytest.fixture(scope="module")
def client(data_dir) -> TestClient:
    settings = Settings(data_dir=data_dir)
    runner = StageRunner.from_settings(settings)
    return TestClient(create_app(settings, runner, lambda ref: None))


# --- the JSON API ---------------------------------------------------------------------

def test_api_search_returns_hits_and_facets(client):
    r = client.get("/api/search", params={"q": "international migration"})
    assert r.status_code == 200
    body = r.json()
    assert body["hits"] and all("<mark>" in h["snippet_html"] for h in body["hits"])
    assert body["total"] >= len(body["hits"])
    assert body["facets"]["session"] == {"58": body["total"]}
    assert sum(body["facets"]["body"].values()) == body["total"]


def test_api_search_filters(client):
    def symbols(**params):
        r = client.get("/api/search", params={"q": "Secretary-General", "limit": 200, **params})
        assert r.status_code == 200, r.text
        return {h["symbol"] for h in r.json()["hits"]}

    assert symbols(session=60) == {"A/C.2/60/L.12/Rev.1", REV2}
    assert symbols(since=59) == {"A/C.2/60/L.12/Rev.1", REV2}
    assert symbols(until=58) >= {"A/RES/58/208"}
    assert symbols(symbol="A/C.2/60/*") == {"A/C.2/60/L.12/Rev.1", REV2}
    assert symbols(change="modified") == {REV2}
    assert symbols(type="footnote") == set() or all(symbols(type="footnote"))
    assert symbols(phrase="requests", session=60) == {"A/C.2/60/L.12/Rev.1", REV2}
    assert symbols(body="General Assembly") == {"A/RES/58/208"}


@pytest.mark.parametrize("params, message", [
    ({"q": "migration", "session": "fifty"}, "session: must be a whole number"),
    ({"q": "migration", "type": "table"}, "type: must be"),
    ({"q": "migration", "change": "deleted"}, "change: must be"),
    ({"q": "migration", "since": 70, "until": 60}, "after until"),
    ({"q": "migration", "limit": 0}, "limit"),
    ({}, "q: is required"),
    ({"q": "*"}, "empty"),
    ({"q": "-"}, "empty"),
    ({"q": "NOT migration"}, "only excludes"),
    ({"q": "x" * 10_001}, "longer than 10000"),
])
def test_api_bad_input_is_a_400_with_a_message(client, params, message):
    r = client.get("/api/search", params=params)
    assert r.status_code == 400
    assert message in r.json()["detail"]


HOSTILE = ['"unbalanced', "'; DROP TABLE paragraphs; --", "NEAR(", "NEAR(a b)", "*", "-",
           "\x00", "a\x00b", "x" * 10_000, "😀 migration", "migração", "\u202emigration",
           "((()))", "OR", "bm25(paragraphs_fts)", "%", "\\", "<script>alert(1)</script>"]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_api_hostile_queries_never_fail(client, q):
    r = client.get("/api/search", params={"q": q, "symbol": q[:200], "phrase": q[:200]})
    assert r.status_code in (200, 400), r.text
    detail = r.json().get("detail", "")
    assert "Traceback" not in detail and "sqlite" not in detail.lower()
    assert "syntax error" not in detail.lower()


def test_api_documents_diff_and_redline(client):
    doc = client.get(f"/api/documents/{REV2}")
    assert doc.status_code == 200 and doc.json()["predecessor"] == "A/C.2/60/L.12/Rev.1"
    diff = client.get(f"/api/documents/{REV2}/diff").json()
    assert diff["links"] and diff["counts"]["modified"] >= 1
    assert any(line.startswith("OP3 modified") for line in diff["summary"])
    assert diff["redline"] == f"/documents/{REV2}/redline"
    redline = client.get(diff["redline"])
    assert redline.status_code == 200 and "text/html" in redline.headers["content-type"]
    assert SCRIPT not in redline.text and "&lt;script&gt;" in redline.text
    none = client.get("/api/documents/A/C.2/58/L.37/diff").json()
    assert none["summary"] == [] and none["redline"] is None
    assert client.get("/documents/A/C.2/58/L.37/redline").status_code == 404
    missing = client.get("/api/documents/A/NOPE/1")
    assert missing.status_code == 404 and "no indexed document" in missing.json()["detail"]


def test_api_status_healthz_openapi_and_old_routes(client):
    status = client.get("/api/status").json()
    assert {row["symbol"] for row in status} >= {"A/C.2/58/L.37", REV2}
    assert client.get("/healthz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/documents/{symbol}", "/api/documents/{symbol}/diff",
            "/api/status", "/healthz", "/events"} <= set(paths)
    assert client.get("/status").json() == status
    assert client.get("/search", params={"q": "migration"}).json()
    # The old document route still answers JSON to API clients, HTML to browsers.
    assert client.get(f"/documents/{REV2}").json()["symbol"] == REV2
    page = client.get(f"/documents/{REV2}", headers={"accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")


# --- the web page (server side) ----------------------------------------------------------

def test_search_page_escapes_document_text(client):
    r = client.get("/", params={"q": "strengthen preparedness"})
    assert r.status_code == 200
    assert SCRIPT not in r.text and "<b>disaster" not in r.text
    assert "&lt;script&gt;" in r.text and "<mark>preparedness</mark>" in r.text


def test_search_page_reports_bad_input(client):
    r = client.get("/", params={"q": "migration", "session": "x"})
    assert r.status_code == 400 and "Session must be a session number" in r.text
    r = client.get("/", params={"q": '"'})
    assert r.status_code == 400 and "The query is empty" in r.text
    r = client.get("/", params={"q": "<script>alert(1)</script>", "symbol": "<i>x"})
    assert "<script>alert" not in r.text and "<i>x" not in r.text


def test_document_page_shows_structure_footnotes_and_redline(client):
    r = client.get(f"/documents/{REV2}", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert SCRIPT not in r.text and "&lt;script&gt;" in r.text
    assert 'id="O3"' in r.text and "Footnotes" in r.text and 'href="#fn-1"' in r.text
    assert "OP3 modified" in r.text and f'src="/documents/{REV2}/redline"' in r.text


# --- in a real browser -----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(data_dir)}
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = subprocess.Popen([str(DOCPIPE), "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}"
        assert urllib.request.urlopen(f"{url}/healthz", timeout=10).status == 200
        yield url
    finally:
        stop_process(proc)


def chromium(tmp_path: Path, *args: str) -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_browser_renders_search_hits_and_a_screenshot(server, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", f"{server}/?q=international+migration&session=58")
    hits = re.findall(r'<li class="hit">', dom)
    assert len(hits) >= 5
    assert "<mark>migration</mark>" in dom and "A/C.2/58/L.37" in dom
    assert re.search(r'class="facet-session">\s*<li class="on"><a [^>]*>58</a>', dom)
    shot = tmp_path / "search.png"
    chromium(tmp_path, "--window-size=1280,1000", f"--screenshot={shot}",
             f"{server}/?q=international+migration")
    assert shot.stat().st_size > 10_000
    if os.environ.get("DOCPIPE_KEEP_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["DOCPIPE_KEEP_SCREENSHOTS"]) / "search.png")


def test_browser_does_not_run_script_from_a_paragraph(server, tmp_path):
    # After the page's scripts ran (--dump-dom), the quoted script must not have run.
    dom = chromium(tmp_path, "--dump-dom", f"{server}/?q=strengthen")
    assert "data-pwned" not in dom.split("<main>")[0]
    assert "&lt;script&gt;document.body.setAttribute" in dom
    doc = chromium(tmp_path, "--dump-dom", f"{server}/documents/{REV2}")
    assert '<body data-pwned' not in doc and "&lt;script&gt;" in doc
    assert 'id="O2"' in doc and "redline" in doc
