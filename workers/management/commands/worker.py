"""`manage.py worker`: load the model, then run the task queue and the periodic jobs.

Run it instead of db_worker: it refuses to start without a working model (so
queued photos wait instead of failing, and /readyz says why), reports its model
in the worker registry for /readyz, and its periodic jobs (workers/jobs.py) pick
up work a dead worker left behind and publish what finished.
"""

from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

import classifier
from gossip.jobs import gossip_status
from workers.jobs import periodic_jobs
from workers.periodic import periodic_jobs_start
from workers.services import worker_failed, worker_stopped


class Command(db_worker.Command):
    help = "Run the bird.ai worker: load the model, then run queued tasks and periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            detector = classifier.load_detector_from_env()
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
        stop = periodic_jobs_start(periodic_jobs())  # the first heartbeat goes out at once
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            worker_stopped()
