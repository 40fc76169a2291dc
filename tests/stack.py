"""A whole distributed docpipe on one machine, from real processes.

``LocalStack`` starts its own redis-server and moto server on free ports, runs
``docpipe init``, one Celery worker per stage queue and ``docpipe listen``, and
stops them all by process group. Tests and benchmarks share it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAGES = ("extract", "clean", "segment", "diff", "index")
# Distinctive secrets, so that a test can grep every log of a run for them.
SECRETS = {"aws": "aws-secret-9c41e7b2d0f3", "webhook": "webhook-token-5ab83f16e2c9"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """TERM the process group, then KILL it: workers fork pool children."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def start_process(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = start_process([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", str(workdir),
                          "--maxmemory-policy", "noeviction"], workdir / "redis.log")
    wait_for_port(port)
    return proc, f"redis://127.0.0.1:{port}/0"


def start_moto(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = start_process([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                         workdir / "moto.log")
    wait_for_port(port)
    return proc, f"http://127.0.0.1:{port}"


class LocalStack:
    """Redis + moto + ``docpipe init`` + one worker per stage + ``docpipe listen``."""

    def __init__(self, workdir: Path, bucket: str = "docpipe-stack",
                 workers_per_stage: int = 1, concurrency: int = 1):
        self.workdir = Path(workdir)
        self.bucket = bucket
        self.workers_per_stage = workers_per_stage
        self.concurrency = concurrency
        self.processes: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}
        self._exit = ExitStack()

    def docpipe(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "docpipe"), *args], env=self.env, cwd=ROOT,
                              check=check, capture_output=True, text=True, timeout=120)

    def __enter__(self) -> "LocalStack":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.logs = self.workdir / "logs"
        self.logs.mkdir(exist_ok=True)
        try:
            redis, broker = start_redis(self.workdir)
            self.processes.append(redis)
            moto, endpoint = start_moto(self.workdir)
            self.processes.append(moto)
            self.endpoint = endpoint
            self.env = {**os.environ,
                        "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": SECRETS["aws"],
                        "DOCPIPE_WEBHOOK_TOKEN": SECRETS["webhook"],
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "DOCPIPE_BROKER_URL": broker,
                        "DOCPIPE_STORE_URL": f"s3://{self.bucket}",
                        "DOCPIPE_S3_ENDPOINT_URL": endpoint,
                        "DOCPIPE_EVENTS_URL": f"sqs://{self.bucket}-events",
                        "DOCPIPE_DATA_DIR": str(self.workdir / "data"),
                        "OMP_THREAD_LIMIT": "1"}
            (self.workdir / "data").mkdir(exist_ok=True)
            self.init_result = self.docpipe("init", "--json").stdout
            for stage in STAGES:
                for n in range(self.workers_per_stage):
                    self.processes.append(start_process(
                        [str(BIN / "celery"), "-A", "workers.app", "worker", "-Q", stage,
                         "-c", str(self.concurrency), "-n", f"{stage}{n}@stack",
                         "--without-gossip", "--without-mingle", "-l", "warning"],
                        self.logs / f"{stage}{n}.log", self.env))
            self.processes.append(start_process([str(BIN / "docpipe"), "listen"],
                                                self.logs / "listen.log", self.env))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def s3(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing",
                            aws_secret_access_key=SECRETS["aws"])

    def ledger(self):
        from docpipe.ledger import Ledger
        return Ledger(f"sqlite:///{self.workdir / 'data' / 'ledger.db'}")

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}"
                         for log in sorted(self.logs.iterdir()))

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.processes):
            stop_process(proc)
        self.processes.clear()


# --- a throwaway PostgreSQL cluster ------------------------------------------------

PG_USER = "docpipe"
PG_DB = "docpipe"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the cluster would not start."""


def postgres_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres (DOCPIPE_TEST_PG_BINDIR, pg_config,
    /usr/lib/postgresql/*/bin newest first, or PATH)."""
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


def unprivileged_ids() -> tuple[int, int] | None:
    """(uid, gid) to run PostgreSQL as (initdb refuses root), or None when not root."""
    if os.geteuid() != 0:
        return None
    import pwd

    name = os.environ.get("DOCPIPE_TEST_PG_USER", "nobody")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no user {name!r} to run PostgreSQL as "
            "(set DOCPIPE_TEST_PG_USER to an unprivileged user)") from None
    return entry.pw_uid, entry.pw_gid


@contextmanager
def throwaway_postgres(settings: tuple[str, ...] = (), prefix: str = "docpipe-pg-"):
    """``postgresql://docpipe@127.0.0.1:PORT/docpipe`` in a new cluster on a free port,
    durability off (fsync, synchronous commit); stopped and removed afterwards.

    ``settings`` are extra ``name=value`` server settings (a benchmark's memory)."""
    import psycopg

    bindir = postgres_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL's initdb was not found (scripts/setup installs "
                                  "postgresql, or set DOCPIPE_TEST_PG_BINDIR)")
    ids = unprivileged_ids()
    as_user: dict = {} if ids is None else {"user": ids[0], "group": ids[1], "extra_groups": []}
    # Not pytest's tmp_path: its parents are mode 0700 and the unprivileged user must reach it.
    base = Path(tempfile.mkdtemp(prefix=prefix))
    data, log_path = base / "data", base / "postgres.log"
    if ids is not None:
        os.chown(base, *ids)
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    env.pop("PGDATA", None)
    proc = None
    try:
        try:
            subprocess.run(
                [str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust",
                 "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"],
                cwd=base, env=env, check=True, capture_output=True, timeout=120, **as_user)
        except subprocess.CalledProcessError as exc:
            raise PostgresUnavailable(f"initdb failed: {exc.stderr.decode(errors='replace')}")
        port = free_port()
        options = ["listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off",
                   "full_page_writes=off", "max_connections=60", "logging_collector=off",
                   *settings]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(base),
                 *[arg for option in options for arg in ("-c", option)]],
                cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, **as_user)
        admin = f"postgresql://{PG_USER}@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise PostgresUnavailable(f"postgres exited with {proc.returncode}:\n"
                                          f"{log_path.read_text()}")
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    conn.execute(f'CREATE DATABASE "{PG_DB}"')
                break
            except psycopg.OperationalError:  # not listening yet, or still starting up
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"postgresql://{PG_USER}@127.0.0.1:{port}/{PG_DB}"
    finally:
        if proc is not None and proc.poll() is None:
            try:
                subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "stop", "-m",
                                "immediate", "-w", "-t", "10"], cwd=base, env=env,
                               capture_output=True, timeout=20, **as_user)
            except subprocess.SubprocessError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                stop_process(proc)  # by PID: TERM, then KILL the process group
        shutil.rmtree(base, ignore_errors=True)
