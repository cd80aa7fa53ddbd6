"""``{% load served %}``: a submission's photo URLs as its geoprivacy allows (storage.py).

Until the worker has made the served copies, a picture that says so stands in.
"""

from django import template
from django.templatetags.static import static

from submissions import storage
from submissions.models import Submission

register = template.Library()
WAITING = "birdai/photo-waiting.svg"


@register.filter
def image_url(submission: Submission) -> str:
    return storage.served_copy_url(submission) or static(WAITING)


@register.filter
def thumbnail_url(submission: Submission) -> str:
    return storage.served_copy_url(submission, thumbnail=True) or static(WAITING)
