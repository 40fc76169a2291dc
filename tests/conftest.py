"""Fixtures that start real services on free ports and stop them by PID.

Nothing here touches the services this machine may already run on their
standard ports: every test gets its own redis-server and moto server.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.stack import (BIN, free_port, start_moto, start_redis,  # noqa: F401
                         stop_process, wait_for_port)

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

PG_DB = "docpipe"
PG_USER = "docpipe"


def _postgres_bindir() -> Path | None:
    candidates: list[Path] = []
    if os.environ.get("DOCPIPE_TEST_PG_BINDIR"):
        candidates.append(Path(os.environ["DOCPIPE_TEST_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            candidates.append(Path(out))
        except (subprocess.SubprocessError, OSError):
            pass

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in path.parent.name.split(".") if x.isdigit())

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if all((bindir / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _unprivileged_ids() -> tuple[int, int] | None:
    """(uid, gid) to run PostgreSQL as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    import pwd

    name = os.environ.get("DOCPIPE_TEST_PG_USER", "nobody")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        pytest.fail(f"the tests run as root and there is no user {name!r} to run PostgreSQL as "
                    "(set DOCPIPE_TEST_PG_USER to an unprivileged user)")
    return entry.pw_uid, entry.pw_gid


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL of our own for the session: ``postgresql://docpipe@127.0.0.1:PORT/docpipe``."""
    psycopg = pytest.importorskip("psycopg")
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL's initdb was not found (scripts/setup installs postgresql, "
                    "or set DOCPIPE_TEST_PG_BINDIR)")
    ids = _unprivileged_ids()
    as_user: dict = {} if ids is None else {"user": ids[0], "group": ids[1], "extra_groups": []}
    # Not pytest's tmp_path: its parents are mode 0700 and the unprivileged user must reach it.
    base = Path(tempfile.mkdtemp(prefix="docpipe-pg-"))
    data, log_path = base / "data", base / "postgres.log"
    if ids is not None:
        os.chown(base, *ids)
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    env.pop("PGDATA", None)
    proc = None
    try:
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust", "-E", "UTF8",
             "--no-locale", "--no-sync", "--no-instructions"],
            cwd=base, env=env, check=True, capture_output=True, timeout=120, **as_user)
        port = free_port()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), "-p", str(port),
                 "-c", "listen_addresses=127.0.0.1", "-k", str(base),
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=60", "-c", "logging_collector=off"],
                cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                **as_user)
        admin = f"postgresql://{PG_USER}@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"postgres exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    conn.execute(f'CREATE DATABASE "{PG_DB}"')
                break
            except psycopg.OperationalError:  # not listening yet, or still starting up
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"postgresql://{PG_USER}@127.0.0.1:{port}/{PG_DB}"
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"initdb failed: {exc.stderr.decode(errors='replace')}")
    finally:
        if proc is not None and proc.poll() is None:
            try:
                subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate",
                                "-w", "-t", "10"], cwd=base, env=env, capture_output=True,
                               timeout=20, **as_user)
            except subprocess.SubprocessError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                stop_process(proc)  # by PID: TERM, then KILL the process group
        shutil.rmtree(base, ignore_errors=True)


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
