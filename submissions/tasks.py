"""Background tasks, run by the worker (`manage.py worker`), never by the web tier."""

import uuid

from django.tasks import task


@task()
def classify_submission(submission_id: str, outage_retries: int = 0) -> None:
    """`outage_retries`: how often the inference service was found down for it so far."""
    # Imported here so that enqueueing (in a web request) stays light.
    from submissions.classification import submission_classify

    submission_classify(submission_id=uuid.UUID(submission_id), outage_retries=outage_retries)
