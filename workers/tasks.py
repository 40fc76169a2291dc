"""One thin Celery task per stage: take a reference, run the stage, pass it on.

All the stage's work is in ``docpipe.runner.StageRunner.run`` (the same code
the embedded mode calls); a task only adds retries and the hand-over to the
next queue.
"""

from __future__ import annotations

from functools import lru_cache

import structlog
from celery import Task
from celery.signals import worker_process_init

from config.settings import STAGES, get_settings
from docpipe.logs import configure_logging
from docpipe.runner import StageRunner, next_stage
from pipeline.errors import TransientError
from workers.app import TIME_LIMITS, app

log = structlog.get_logger("docpipe.worker")

MAX_RETRIES = 5


@worker_process_init.connect
def _configure_worker_logging(**_kwargs) -> None:
    settings = get_settings()
    configure_logging(json_lines=settings.log_json is not False)


@lru_cache(maxsize=1)
def runner() -> StageRunner:
    # One per worker process: connections are not shared across fork.
    return StageRunner.from_settings(get_settings())


def task_label(stage: str, ref: dict) -> str:
    """The name Flower and the worker log show: ``docpipe.segment[A/C.2/58/L.37]``.

    The symbol once the segment stage has found it, the original's key before."""
    return f"docpipe.{stage}[{ref.get('symbol') or ref.get('key')}]"


def send_stage(stage: str, ref: dict) -> None:
    """Send one stage of a run to its queue, named for its document.

    The hand-over is retried while the broker is away (a Redis restart) rather
    than failing the task that has just done its work."""
    app.send_task(f"docpipe.{stage}", args=[ref], queue=stage, shadow=task_label(stage, ref),
                  retry=True, retry_policy={"max_retries": 30, "interval_start": 0.5,
                                            "interval_step": 1, "interval_max": 5})


def start_run(ref: dict) -> None:
    """Send a new run's first stage to its queue (used by listener, webhook, reconcile)."""
    send_stage("extract", ref)


def _stage_task(stage: str) -> Task:
    soft, hard = TIME_LIMITS[stage]

    @app.task(name=f"docpipe.{stage}", bind=True, queue=stage, max_retries=MAX_RETRIES,
              soft_time_limit=soft, time_limit=hard)
    def task(self: Task, ref: dict) -> None:
        try:
            out = runner().run(stage, ref, task_id=self.request.id)
        except TransientError as exc:
            if self.request.retries >= MAX_RETRIES:
                runner().quarantine(ref, stage, f"gave up after {MAX_RETRIES} retries: {exc}",
                                    transient=True)
                return
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries * 5, 300))
        following = next_stage(stage)
        if out is not None and following:
            send_stage(following, out)

    task.__doc__ = f"The {stage} stage of one document."
    return task


stage_tasks = {stage: _stage_task(stage) for stage in STAGES}
