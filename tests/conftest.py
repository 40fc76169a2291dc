"""Fixtures that start real services on free ports and stop them by PID.

Nothing here touches the services this machine may already run on their
standard ports: every test gets its own redis-server and moto server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.stack import (BIN, PG_DB, PG_USER, PostgresUnavailable,  # noqa: F401
                         free_port, start_moto, start_redis, stop_process,
                         throwaway_postgres, wait_for_port)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_DIR = SHARED / "corpus" / "seed"
SEED_OCR = SEED_DIR / "A_C.2_58_L.37.ocr.txt"
SEED_GOLD = SEED_DIR / "A_C.2_58_L.37.gold.json"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seed_path() -> Path:
    if not SEED_OCR.exists():
        pytest.skip(f"the seed corpus is not at {SEED_OCR} (shared/ beside the checkout)")
    return SEED_OCR


@pytest.fixture
def redis_server(tmp_path):
    proc, url = start_redis(tmp_path)
    try:
        yield url
    finally:
        stop_process(proc)


@pytest.fixture
def moto_server(tmp_path):
    proc, url = start_moto(tmp_path)
    try:
        yield url
    finally:
        stop_process(proc)


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


# --- a throwaway PostgreSQL cluster -------------------------------------------------
#
# Never the machine's own server on 5432: initdb in a temporary directory, a free TCP
# port on 127.0.0.1 and the Unix socket inside that directory. initdb, postgres and
# pg_ctl refuse to run as root, so as root the cluster runs as an unprivileged user
# (``nobody`` unless DOCPIPE_TEST_PG_USER names another), which owns only that directory.



@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL of our own for the session: ``postgresql://docpipe@127.0.0.1:PORT/docpipe``."""
    pytest.importorskip("psycopg")
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.fail(str(exc))


@pytest.fixture
def postgres_database(postgres_url):
    """A fresh, empty database in the session's cluster for one test, dropped after it."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
