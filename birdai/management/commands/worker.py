"""`manage.py worker`: the task queue's db_worker plus the periodic jobs.

Run it instead of db_worker so that work a dead worker left behind is
picked up again (see submissions_requeue_stale).
"""

from typing import Any

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from birdai.periodic import periodic_jobs_start


class Command(db_worker.Command):
    help = "Run the bird.ai worker: queued tasks plus periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        # The autoreloader would run the jobs twice (parent and child process).
        options["reload"] = False
        periodic_jobs_start(settings.PERIODIC_JOBS)
        super().handle(*args, **options)
