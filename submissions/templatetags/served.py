"""``{% load served %}``: a submission's photo URLs as its geoprivacy allows (storage.py)."""

from django import template

from submissions import storage
from submissions.models import Submission

register = template.Library()


@register.filter
def image_url(submission: Submission) -> str:
    return storage.served_copy_url(submission)


@register.filter
def thumbnail_url(submission: Submission) -> str:
    return storage.served_copy_url(submission, thumbnail=True)
