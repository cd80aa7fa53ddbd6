"""`manage.py worker`: load the model, then run the task queue and the periodic jobs.

Run it instead of db_worker: it refuses to start without a working model (so
queued photos wait instead of failing, and /readyz says why), reports its model
in the worker registry (birdai.workers) for /readyz, and its periodic jobs pick
up work a dead worker left behind (see submissions_requeue_stale).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

import classifier
from birdai.periodic import periodic_jobs_start
from birdai.submissions.classification import detector_load
from birdai.workers.services import worker_failed, worker_stopped
from gossip.round_job import gossip_status


class Command(db_worker.Command):
    help = "Run the bird.ai worker: load the model, then run queued tasks and periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            detector = detector_load()
        except classifier.ModelError as error:
            worker_failed(error=str(error))
            raise CommandError(f"The worker cannot start: {error}") from error
        self.stdout.write(
            f"Model {detector.config.weights.name} ready on {detector.device}, "
            f"looking for {', '.join(detector.classes)}."
        )
        self.stdout.write(gossip_status())
        # The autoreloader would run the jobs twice (parent and child process).
        options["reload"] = False
        periodic_jobs_start(settings.PERIODIC_JOBS)  # the first heartbeat goes out at once
        try:
            super().handle(*args, **options)
        finally:
            worker_stopped()
