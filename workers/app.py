"""The Celery application: one queue per stage, settings fit for long tasks.

Start one worker per queue, e.g. ``celery -A workers.app worker -Q segment``.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

from config.settings import STAGES, get_settings

# Soft/hard time limits per stage, in seconds. OCR of a long scan is the long pole.
TIME_LIMITS: dict[str, tuple[int, int]] = {
    "extract": (1800, 2100),
    "clean": (300, 360),
    "segment": (120, 150),
    "diff": (300, 360),
    "index": (300, 360),
    "maintenance": (3000, 3300),
}
LONGEST_HARD_LIMIT = max(hard for _soft, hard in TIME_LIMITS.values())


def beat_schedule(settings) -> dict:
    """The nightly sweep and the frequent recovery, in UTC, each expiring before its next run
    (a beat that was down does not fire a backlog)."""
    if settings.sweep_cron:
        minute, hour, day, month, weekday = settings.sweep_cron.split()
        when = crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month,
                       day_of_week=weekday)
    else:
        when = crontab(minute=0, hour=settings.sweep_hour_utc)
    schedule = {"nightly-sweep": {"task": "docpipe.sweep", "schedule": when,
                                  "options": {"queue": "maintenance", "expires": 6 * 3600}}}
    if settings.recover_interval_seconds:
        every = settings.recover_interval_seconds
        schedule["recover-stuck-runs"] = {
            "task": "docpipe.recover", "schedule": timedelta(seconds=every),
            "options": {"queue": "maintenance", "expires": max(1, int(every * 0.9))}}
    return schedule


def make_app() -> Celery:
    settings = get_settings()
    if settings.flower_basic_auth and "FLOWER_BASIC_AUTH" not in os.environ:
        # `celery -A workers.app flower` imports this module before Flower reads its FLOWER_*
        # environment: DOCPIPE_FLOWER_BASIC_AUTH works like FLOWER_BASIC_AUTH.
        os.environ["FLOWER_BASIC_AUTH"] = settings.flower_basic_auth.get_secret_value()
    app = Celery("docpipe", broker=settings.broker_url,
                 include=["workers.tasks", "workers.maintenance"])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,  # stages hand artifacts over through the store, not results
        task_queues=[Queue(name) for name in (*STAGES, "maintenance")],
        task_default_queue="maintenance",
        task_routes={**{f"docpipe.{stage}": {"queue": stage} for stage in STAGES},
                     "docpipe.sweep": {"queue": "maintenance"},
                     "docpipe.recover": {"queue": "maintenance"}},
        beat_schedule=beat_schedule(settings),
        # Late acks + reject on worker loss: a killed worker's task goes back to
        # the queue. Safe because every stage is idempotent (content-addressed
        # artifacts, ledger upserts); the ledger's delivery counter stops a poison loop.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Redis redelivers unacked tasks after the visibility timeout: keep it
        # above the longest hard limit, or a long OCR task would run twice.
        broker_transport_options={"visibility_timeout": LONGEST_HARD_LIMIT + 600},
        broker_connection_retry_on_startup=True,
        worker_send_task_events=True,  # Flower sees every task
        task_send_sent_event=True,
        worker_max_tasks_per_child=200,  # bounds memory growth from PDF/OCR libraries
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()
