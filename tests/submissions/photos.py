"""Photos that went the whole way, built in code: uploaded, classified, made public.

Through the real services and the real outbox consumer, as the web tier and the
worker do it, so every file, row, sighting and gossip record of one exists.
"""

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from classifier import DetectionRun
from classifier.detection import Box, Detection
from gossip.sharing import public_changes_apply
from submissions import services
from submissions.classification import submission_photo_prepare
from submissions.models import Submission

PARK = (51.523456, -0.187654)
SQUIRREL = Detection(label="squirrel", confidence=0.9, box=Box(10, 20, 300, 400))


def uploaded(
    owner: User, photo: bytes, *, name: str = "squirrel.jpg", geoprivacy: str = "obscured"
) -> Submission:
    """`photo`, uploaded by `owner`, with the served copies the worker makes first."""
    upload = ContentFile(photo, name=name)
    submission = services.submission_create(owner=owner, upload=upload, geoprivacy=geoprivacy)
    return with_copies(submission)


def with_copies(submission: Submission) -> Submission:
    """`submission` after the worker's first step: its served copies made and stored."""
    submission_photo_prepare(submission=submission)
    return Submission.objects.get(pk=submission.pk)


def classified(owner: User, photo: bytes, *, geoprivacy: str = "open") -> Submission:
    """`photo`, uploaded by `owner`, classified (one squirrel) and shared as the worker does."""
    submission = uploaded(owner, photo, geoprivacy=geoprivacy)
    (claimed,) = services.submissions_claim(submission_id=submission.pk, batch_size=1)
    run = DetectionRun(
        detections=[SQUIRREL],
        inference_ms=1.0,
        device="cpu",
        model_name="test-model",
        classes=("squirrel",),
    )
    assert services.submission_finish(submission=claimed, status=Submission.Status.DONE, run=run)
    public_changes_apply()
    return Submission.objects.get(pk=submission.pk)


def api_upload(client, token: str, data: bytes, name: str = "squirrel.jpg"):
    """POST a photo to /api/v1/submissions with `token`, as a script would."""
    photo = SimpleUploadedFile(name, data)
    headers = {"Authorization": f"Bearer {token}"}
    return client.post("/api/v1/submissions", {"image": photo}, headers=headers)
