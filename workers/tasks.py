"""One thin Celery task per stage: take a reference, run the stage, pass it on.

All the stage's work is in ``docpipe.runner.StageRunner.run`` (the same code
the embedded mode calls); a task only adds retries and the hand-over to the
next queue.
"""

from __future__ import annotations

from functools import lru_cache

import structlog
from celery import Task
from celery.signals import celeryd_after_setup, worker_process_init

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


# A small document in the shape the stages expect, to warm them up with (below).
_WARM_UP_TEXT = """United Nations                                    A/C.2/99/L.1
General Assembly                                  Distr.: Limited
                                                  1 October 2099

Ninety-ninth session
Second Committee
Agenda item 1
Sustainable development

    Draft resolution

    The General Assembly,

    Recalling its resolution 98/1 of 1 January 2098,

    1. Requests the Secretary-General to report on the implementation of the present
resolution at its hundredth session.
"""


def warm_up(stages: set[str]) -> float:
    """Load what a stage loads lazily, once, in this process; returns the seconds it took.

    Only clean has anything worth it: wordfreq's lists and the lexicon built from them
    (0.5-2.5 s on its first document here, about 45 MiB). Running the stage itself on a
    small text loads whatever it needs, whatever its internals are named. The others
    (extract, segment, diff, index) need a few milliseconds on their first document,
    and loading the lists there would only cost them memory.

    Called in the worker's main process before its pool forks, so every pool process
    (and each replacement after ``worker_max_tasks_per_child``) inherits it."""
    import time

    from pipeline import clean, extract
    if "clean" not in stages:
        return 0.0
    started = time.perf_counter()
    clean.clean(extract.extract(_WARM_UP_TEXT.encode(), "warm-up.txt"))
    return time.perf_counter() - started


@celeryd_after_setup.connect
def _warm_up_stages(sender, instance, **_kwargs) -> None:
    queues = set(instance.app.amqp.queues.consume_from)
    try:
        seconds = warm_up(queues)
    except Exception:  # a warm-up is an optimisation: the tasks load what they need anyway
        log.exception("worker.warm_up_failed")
        return
    log.info("worker.warmed_up", queues=sorted(queues), seconds=round(seconds, 2))


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

    @app.task(name=f"docpipe.{stage}", bind=True, max_retries=MAX_RETRIES,
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
