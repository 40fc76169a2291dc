"""Flower behind basic auth, and tasks named for their document.

Real processes: a redis-server of our own, ``celery -A workers.app flower`` and one
extract worker. Skipped (not failed) when Flower does not come up in time.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request

import pytest

from tests.stack import BIN, free_port, start_process, stop_process, wait_for_port

pytestmark = pytest.mark.e2e


def _get(url: str, auth: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_flower_needs_the_password_and_names_tasks_by_document(redis_server, tmp_path):
    from workers.tasks import task_label
    port = free_port()
    env = {**os.environ, "DOCPIPE_BROKER_URL": redis_server,
           "DOCPIPE_DATA_DIR": str(tmp_path / "data"),
           "DOCPIPE_FLOWER_BASIC_AUTH": "operator:s3cret-pw"}
    for name in ("FLOWER_BASIC_AUTH", "FLOWER_UNAUTHENTICATED_API", "DOCPIPE_STORE_URL"):
        env.pop(name, None)
    flower = start_process([str(BIN / "celery"), "-A", "workers.app", "flower",
                            f"--port={port}", "--address=127.0.0.1"],
                           tmp_path / "flower.log", env)
    worker = start_process([str(BIN / "celery"), "-A", "workers.app", "worker", "-Q", "extract",
                            "-c", "1", "-n", "extract@flowertest", "--without-gossip",
                            "--without-mingle", "-l", "warning"], tmp_path / "worker.log", env)
    try:
        try:
            wait_for_port(port, timeout=45)
        except TimeoutError:
            pytest.skip("Flower did not start in time:\n" +
                        (tmp_path / "flower.log").read_text(errors="replace")[-2000:])
        base = f"http://127.0.0.1:{port}"
        assert _get(base + "/api/workers")[0] == 401
        assert _get(base + "/api/workers", "operator:wrong")[0] == 401
        assert _get(base + "/api/workers", "operator:s3cret-pw")[0] == 200
        assert _get(base + "/healthcheck")[0] == 200  # open, for container probes

        # A task named for its document; the worker skips it (no such original).
        from celery import Celery
        client = Celery(broker=redis_server)
        ref = {"original_id": 999, "key": "inbox/A_C.2_58_L.37.txt", "sha256": None,
               "symbol": "A/C.2/58/L.37"}
        assert task_label("segment", ref) == "docpipe.segment[A/C.2/58/L.37]"
        time.sleep(2)  # Flower subscribes to events after its HTTP port opens
        client.send_task("docpipe.extract", args=[ref], queue="extract",
                         shadow=task_label("extract", ref))
        deadline = time.monotonic() + 60
        names: set = set()
        while time.monotonic() < deadline:
            status, body = _get(base + "/api/tasks", "operator:s3cret-pw")
            if status == 200:
                tasks = json.loads(body)
                names = {t.get("name") for t in tasks.values()}
                if "docpipe.extract[A/C.2/58/L.37]" in names and any(
                        t.get("state") == "SUCCESS" for t in tasks.values()):
                    break
            time.sleep(0.5)
        assert "docpipe.extract[A/C.2/58/L.37]" in names, (names, (
            tmp_path / "worker.log").read_text(errors="replace")[-2000:])
        [task] = [t for t in tasks.values() if t.get("name") == "docpipe.extract[A/C.2/58/L.37]"]
        assert "inbox/A_C.2_58_L.37.txt" in str(task.get("args"))
    finally:
        stop_process(worker)
        stop_process(flower)
