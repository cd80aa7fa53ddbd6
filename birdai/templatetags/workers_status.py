"""`{% serving_worker as worker %}`: the worker that will classify an upload, if any.

A template tag, so that the upload page (in submissions, which must not import
workers) can still say when no worker is ready: the project package sits above
every app and may read them all. It queries only where a template asks.
"""

from django import template

from workers.models import Worker
from workers.selectors import worker_serving_latest

register = template.Library()


@register.simple_tag
def serving_worker() -> Worker | None:
    return worker_serving_latest()
