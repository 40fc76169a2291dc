"""Periodic maintenance on the ``maintenance`` queue, scheduled by Celery beat.

* ``docpipe.sweep``    nightly (``DOCPIPE_SWEEP_HOUR_UTC`` or ``DOCPIPE_SWEEP_CRON``): every
  step of ``docpipe.sweep``;
* ``docpipe.recover``  every ``DOCPIPE_RECOVER_INTERVAL_SECONDS``: only the stuck-run
  recovery, so that a task lost with a killed worker runs again within minutes
  instead of after Redis's visibility timeout.

Both hold a Redis lock for their run, so overlapping beats (or a hand-run
``docpipe sweep``) never run the same step twice at once.
"""

from __future__ import annotations

import re

import structlog

from config.settings import STAGES, get_settings
from docpipe.sweep import run_sweep
from workers.app import TIME_LIMITS, app
from workers.tasks import runner, send_stage

log = structlog.get_logger("docpipe.maintenance")

_ORIGINAL_ID = re.compile(r"['\"]original_id['\"]:\s*(\d+)")


def live_original_ids(timeout: float = 3.0) -> set[int] | None:
    """Original ids some worker holds (active, reserved or scheduled), from Celery's
    remote control; None when no worker answered (then nothing is known to be live)."""
    inspect = app.control.inspect(timeout=timeout)
    found: set[int] = set()
    answered = False
    for method in (inspect.active, inspect.reserved, inspect.scheduled):
        replies = method() or {}
        answered = answered or bool(replies)
        for tasks in replies.values():
            for task in tasks:
                request = task.get("request", task)  # scheduled tasks wrap their request
                args = request.get("args")
                if isinstance(args, list) and args and isinstance(args[0], dict):
                    if "original_id" in args[0]:
                        found.add(int(args[0]["original_id"]))
                else:
                    found |= {int(m) for m in _ORIGINAL_ID.findall(str(args))}
    return found if answered else None


def queue_length(stage: str) -> int:
    """Messages waiting in a stage's Redis list (kombu names the list after the queue)."""
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return sum(client.llen(name) for name in
                   (stage, *(f"{stage}\x06\x16{p}" for p in range(1, 10))))


def sweep_distributed(dry_run: bool = False, steps: list[str] | None = None,
                      write: bool = True) -> dict:
    """One sweep with the distributed helpers: runs go to the stage queues."""
    live = live_original_ids()
    return run_sweep(runner(), send_stage, dry_run=dry_run, steps=steps, live=live,
                     queue_length=queue_length, lock_ttl=TIME_LIMITS["maintenance"][1],
                     write=write)


@app.task(name="docpipe.sweep",
          soft_time_limit=TIME_LIMITS["maintenance"][0], time_limit=TIME_LIMITS["maintenance"][1])
def sweep(dry_run: bool = False) -> dict:
    """The nightly sweep: reconcile, recover, archive, retry, prune, report."""
    report = sweep_distributed(dry_run=dry_run)
    return {k: v for k, v in report.items() if k in ("report_key", "duration_ms", "skipped")}


@app.task(name="docpipe.recover", soft_time_limit=240, time_limit=300)
def recover() -> dict:
    """Dispatch again the runs whose task was lost (killed worker, lost message)."""
    report = sweep_distributed(steps=["recover"], write=False)
    return report.get("steps", {}).get("recover", report)


__all__ = ["sweep", "recover", "live_original_ids", "queue_length", "STAGES"]
