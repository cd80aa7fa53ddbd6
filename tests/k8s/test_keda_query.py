"""KEDA's query (components/keda-worker) counts what a worker would pick up.

Run against the real PostgreSQL with tasks enqueued the way the app enqueues them:
waiting photos count; running, finished, backed-off (not yet due) and other
tasks' rows do not; and the count equals django-tasks-db's own "ready" for the
classification task, so a change in the library's table or statuses shows here.
"""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from submissions.tasks import classify_submission
from tests.k8s.rendering import named, rendered

pytestmark = pytest.mark.django_db


def keda_count() -> int:
    scaler = named(rendered("cpu"), "ScaledObject", "worker")
    (trigger,) = scaler["spec"]["triggers"]
    with connection.cursor() as cursor:
        cursor.execute(trigger["metadata"]["query"])
        (count,) = cursor.fetchone()
    return int(count)


def library_ready_count() -> int:
    ready = DBTaskResult.objects.ready().filter(queue_name="default", backend_name="default")
    return ready.filter(task_path=classify_submission.module_path).count()


def enqueue(*, delay: timedelta | None = None) -> DBTaskResult:
    task = classify_submission
    if delay is not None:
        task = task.using(run_after=timezone.now() + delay)
    result = task.enqueue(str(uuid4()))
    return DBTaskResult.objects.get(id=result.id)


def test_waiting_photos_are_counted() -> None:
    assert keda_count() == 0
    for _ in range(3):
        enqueue()
    assert keda_count() == 3 == library_ready_count()


def test_running_and_finished_tasks_are_not() -> None:
    running, finished, _waiting = enqueue(), enqueue(), enqueue()
    DBTaskResult.objects.filter(id=running.id).update(status=TaskResultStatus.RUNNING)
    DBTaskResult.objects.filter(id=finished.id).update(status=TaskResultStatus.SUCCESSFUL)
    assert keda_count() == 1 == library_ready_count()


def test_a_backed_off_task_counts_once_it_is_due() -> None:
    later = enqueue(delay=timedelta(minutes=5))
    enqueue()
    assert keda_count() == 1 == library_ready_count()
    # An hour ago: the query's now() is its transaction's start, here the test's.
    DBTaskResult.objects.filter(id=later.id).update(run_after=timezone.now() - timedelta(hours=1))
    assert keda_count() == 2 == library_ready_count()


def test_other_tasks_and_queues_are_not_counted() -> None:
    other_task, other_queue = enqueue(), enqueue()
    DBTaskResult.objects.filter(id=other_task.id).update(task_path="gossip.jobs.something_else")
    DBTaskResult.objects.filter(id=other_queue.id).update(queue_name="slow")
    assert keda_count() == 0 == library_ready_count()
