"""GET /api/v1/sightings: the map's data, as GeoJSON. Anyone may read it.

Anonymous readers and everyone else's sightings get public positions only; a
logged-in reader's own sightings come back where they really are, marked `mine`.
Sightings other deployments shared (gossip) are marked with their `origin`.
"""

from django.http import HttpRequest
from ninja import Query, Router

from map.clusters import Cluster, map_clusters
from map.grid import CLUSTER_BELOW_ZOOM, cell_degrees
from map.schemas import (
    ClusterFeature,
    ClusterProperties,
    LabelScore,
    PointGeometry,
    SightingCollection,
    SightingFeature,
    SightingProperties,
    SightingsQuery,
    cursor_encode,
)
from map.selectors import MapPoint, map_points
from submissions import storage
from submissions.models import Submission
from submissions.schemas import Problem

router = Router(tags=["map"])


@router.get(
    "",
    response={200: SightingCollection, 400: Problem},
    summary="Sightings in a box: clusters below zoom 12, single sightings from it on",
)
def sighting_list(request: HttpRequest, query: Query[SightingsQuery]) -> SightingCollection:
    viewer = request.user if request.user.is_authenticated else None
    filters = query.map_filter()
    if query.zoom < CLUSTER_BELOW_ZOOM:
        cells, clusters = map_clusters(filters=filters, viewer=viewer, zoom=query.zoom)
        return SightingCollection(
            features=[_cluster_feature(cluster) for cluster in clusters],
            clustered=True,
            cell_degrees=cell_degrees(cells.level),
        )
    points, next_page = map_points(
        filters=filters, viewer=viewer, limit=query.limit, after=query.after()
    )
    return SightingCollection(
        features=[_sighting_feature(request, point) for point in points],
        clustered=False,
        next_cursor=cursor_encode(next_page) if next_page else None,
    )


def _cluster_feature(cluster: Cluster) -> ClusterFeature:
    return ClusterFeature(
        # Rounded to about a metre: a cluster's centre needs no more, in half the digits.
        geometry=PointGeometry(coordinates=(round(cluster.lon, 5), round(cluster.lat, 5))),
        properties=ClusterProperties(
            count=cluster.count,
            mine_count=cluster.mine,
            labels=cluster.labels,
        ),
    )


def _sighting_feature(request: HttpRequest, point: MapPoint) -> SightingFeature:
    own = point.own
    if own is not None:  # the reader's own, private ones too: the URL only its owner may use
        thumbnail: str | None = storage.served_copy_url(own, thumbnail=True)
    else:
        thumbnail = storage.served_url(point.thumbnail) if point.thumbnail else None
    # A peer's thumbnail is where its origin serves it: the browser loads it from there.
    thumbnail_url = request.build_absolute_uri(thumbnail) if thumbnail else point.thumb_url
    return SightingFeature(
        id=point.id,
        geometry=PointGeometry(coordinates=(point.lon, point.lat)),
        properties=SightingProperties(
            label=point.label,
            confidence=point.confidence,
            labels=[LabelScore(**label) for label in point.labels],
            observed_at=point.observed_at,
            precision_m=point.precision_m,
            thumbnail_url=thumbnail_url or None,
            mine=own is not None,
            origin=point.origin or None,
            origin_host=point.origin_host or None,
            geoprivacy=Submission.Geoprivacy(own.geoprivacy) if own else None,
            page_url=request.build_absolute_uri(own.get_absolute_url()) if own else None,
        ),
    )
