"""Background tasks, run by the worker (`manage.py worker`), never by the web tier."""

import uuid

from django.tasks import task


@task()
def classify_submission(submission_id: str) -> None:
    # Imported here so that enqueueing (in a web request) stays light.
    from birdai.submissions.classification import submission_classify

    submission_classify(submission_id=uuid.UUID(submission_id))
