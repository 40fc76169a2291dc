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
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAGES = ("extract", "clean", "segment", "diff", "index")


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
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
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
                            aws_access_key_id="testing", aws_secret_access_key="testing")

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
