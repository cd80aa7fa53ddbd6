"""Reads of submissions that more than one view, API or app needs."""

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.shortcuts import get_object_or_404

from submissions.geoprivacy import farthest_corner_m, obscure
from submissions.models import Submission, SubmissionQuerySet


def submission_owned_get(
    *, user: AbstractBaseUser | AnonymousUser, submission_id: UUID
) -> Submission:
    """One of `user`'s submissions with its detections; Http404 for anyone else's.

    Someone else's submission is "not found", not "forbidden": its page, position
    included, is the owner's, and an id must not tell whether it exists.
    """
    owned = Submission.objects.owned_by(user).prefetch_related("detections")
    return get_object_or_404(owned, pk=submission_id)


def submission_shown_get(*, submission_id: UUID) -> Submission | None:
    """The submission if anyone may see its photo (it exists and is not private), else None."""
    shown = Submission.objects.exclude(geoprivacy=Submission.Geoprivacy.PRIVATE)
    return shown.filter(pk=submission_id).first()


@dataclass(frozen=True)
class PublicPosition:
    """Where everyone else may see a sighting, and how near the true position that is."""

    point: Point
    precision_m: float | None


def public_position(submission: Submission) -> PublicPosition | None:
    """Where the map shows this submission to everyone but its owner; None: nowhere.

    Only a classified submission with a position that is not private is shown: open
    ones at the true position, every other one (obscured, or a value this code does
    not know) at its obscured point, so an unknown value never publishes the truth.
    The map's row (map.services.sighting_publish) is placed by this very function.
    """
    location = submission.location
    if (
        submission.status != Submission.Status.DONE
        or location is None
        or submission.geoprivacy == Submission.Geoprivacy.PRIVATE
    ):
        return None
    accuracy_m = submission.location_accuracy_m
    if submission.geoprivacy == Submission.Geoprivacy.OPEN:
        return PublicPosition(Point(location.x, location.y, srid=4326), accuracy_m)
    key = settings.SECRET_KEY.encode()
    lat, lon = obscure(location.y, location.x, key=key, seed=submission.pk.bytes)
    precision_m = round(farthest_corner_m(lat, lon) + (accuracy_m or 0.0))
    return PublicPosition(Point(lon, lat, srid=4326), precision_m)


def submission_history(*, owner: AbstractBaseUser | AnonymousUser) -> SubmissionQuerySet:
    """The owner's photos, newest first, each with `found_labels`: what the model found.

    One label per detection, the most confident first, aggregated in the same query,
    so a page of the history costs one query however many photos it shows.
    """
    return (
        Submission.objects.owned_by(owner)
        .newest_first()
        .annotate(
            found_labels=ArrayAgg(
                "detections__label",
                filter=Q(detections__isnull=False),
                order_by="-detections__confidence",
                default=[],
            )
        )
    )


def submissions_backlog_full() -> bool:
    """True when BIRDAI_MAX_BACKLOG photos or more wait for the worker (0: never full).

    Pending and processing both count: a photo is off the backlog once classified.
    The status index answers it without reading the classified rows.
    """
    limit = settings.MAX_BACKLOG
    waiting = Submission.objects.filter(
        status__in=[Submission.Status.PENDING, Submission.Status.PROCESSING]
    )
    return limit > 0 and waiting[:limit].count() >= limit
