"""GET /api/v1/sightings: boxes, filters, pages, clusters, and refusals."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from map.grid import MAX_CELLS_ACROSS

pytestmark = pytest.mark.django_db
URL = "/api/v1/sightings"
LONDON = "-0.6,51.2,0.4,51.8"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return body


def test_anyone_may_read_single_sightings_at_high_zoom(client, alice, located):
    located(alice, 51.5, -0.1, geoprivacy="open", accuracy_m=8.0)
    body = get(client, bbox=LONDON, zoom=14)
    assert body["clustered"] is False and body["next_cursor"] is None
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-0.1, 51.5]}
    properties = feature["properties"]
    assert properties["cluster"] is False and properties["mine"] is False
    assert (properties["label"], properties["confidence"]) == ("squirrel", 0.9)
    assert properties["labels"] == [{"label": "squirrel", "confidence": 0.9}]
    assert properties["precision_m"] == 8.0
    assert properties["observed_at"] == "2024-05-17T08:30:00Z"
    assert properties["thumbnail_url"].endswith("/thumbnail.jpg")
    assert properties["geoprivacy"] is None and properties["page_url"] is None


def test_only_sightings_in_the_box(client, alice, located):
    located(alice, 51.5, -0.1, geoprivacy="open")
    located(alice, 48.85, 2.35, geoprivacy="open")
    assert len(get(client, bbox=LONDON, zoom=14)["features"]) == 1
    assert len(get(client, bbox="-180,-90,180,90", zoom=14)["features"]) == 2
    assert len(get(client, bbox="-0.1,51.5,-0.1,51.5", zoom=20)["features"]) == 1  # a point
    assert len(get(client, bbox="-0.1,51.5,-0.1,51.5", zoom=3)["features"]) == 1


def test_filter_by_label_and_by_days(client, alice, located):
    for day, label in [(1, "squirrel"), (2, "bird"), (3, "squirrel")]:
        located(alice, 51.5, -0.1, label=label, captured_at=datetime(2024, 3, day, 23, tzinfo=UTC))

    def days(**filters):
        features = get(client, bbox=LONDON, zoom=14, **filters)["features"]
        return sorted(int(f["properties"]["observed_at"][8:10]) for f in features)

    assert days(label="squirrel") == [1, 3]
    assert days(label="cat") == []
    assert days(**{"from": "2024-03-02"}) == [2, 3]
    assert days(to="2024-03-02") == [1, 2]  # the whole last day counts
    assert days(**{"from": "2024-03-02", "to": "2024-03-02"}) == [2]


def test_pages_newest_first_until_the_cursor_runs_out(client, alice, located):
    for hour in range(7):
        located(alice, 51.5, -0.1, captured_at=datetime(2024, 3, 1, hour, tzinfo=UTC))
    located(alice, 51.5, -0.1, captured_at=datetime(2024, 3, 1, 3, tzinfo=UTC))  # a tie
    seen, cursor = [], None
    while True:
        page = get(client, bbox=LONDON, zoom=14, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [(f["properties"]["observed_at"], f["id"]) for f in page["features"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 8 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_clusters_below_zoom_12(client, alice, bob, located):
    for lat, lon in [(51.5, -0.1), (51.52, -0.12)]:
        located(alice, lat, lon, geoprivacy="open")
    located(bob, 51.51, -0.11, geoprivacy="open", label="bird")
    located(bob, 48.85, 2.35, geoprivacy="open")
    body = get(client, bbox="-10,40,10,60", zoom=5)
    assert body["clustered"] is True and body["cell_degrees"] == 90 / 2**5
    by_count = sorted(body["features"], key=lambda f: f["properties"]["count"])
    paris, london = (f["properties"] for f in by_count)
    assert paris == {"cluster": True, "count": 1, "mine_count": 0, "labels": {"squirrel": 1}}
    assert london["count"] == 3 and london["labels"] == {"squirrel": 2, "bird": 1}
    assert by_count[1]["geometry"]["coordinates"] == pytest.approx([-0.11, 51.51])


def test_a_huge_box_at_zoom_11_still_gets_few_clusters(client, alice, located):
    for index in range(40):
        located(alice, -60 + index * 3, -170 + index * 8.5, geoprivacy="open")
    body = get(client, bbox="-180,-90,180,90", zoom=11)
    assert body["cell_degrees"] >= 360 / MAX_CELLS_ACROSS
    assert sum(f["properties"]["count"] for f in body["features"]) == 40


def test_clusters_with_dates_are_counted_the_same_way(client, alice, located):
    for lat, lon in [(51.5, -0.1), (51.52, -0.12), (48.85, 2.35), (40.0, -3.7)]:
        located(alice, lat, lon)
    everything = get(client, bbox="-10,40,10,60", zoom=6)["features"]
    all_days = get(client, bbox="-10,40,10,60", zoom=6, **{"from": "2000-01-01"})["features"]
    assert sorted(map(str, all_days)) == sorted(map(str, everything))


def test_your_own_come_back_exact_and_marked_mine(client, alice, bob, alice_token, located):
    obscured = located(alice, 51.501364, -0.14189)
    private = located(alice, 51.49, -0.2, geoprivacy="private", label="bird")
    located(bob, 51.5, -0.1, geoprivacy="open", label="cat")
    mine = get(client.__class__(headers=bearer(alice_token)), bbox=LONDON, zoom=14)["features"]
    assert len(mine) == 3  # alice's public row is not sent as well as her own
    by_id = {feature["id"]: feature for feature in mine}
    assert by_id[str(obscured.pk)]["geometry"]["coordinates"] == [-0.14189, 51.501364]
    assert by_id[str(private.pk)]["properties"]["geoprivacy"] == "private"
    assert by_id[str(private.pk)]["properties"]["page_url"].endswith(f"/submissions/{private.pk}/")
    assert sorted(f["properties"]["mine"] for f in mine) == [False, True, True]
    assert len(get(client, bbox=LONDON, zoom=14)["features"]) == 2  # anonymous: no private one


def test_your_own_count_where_they_are_in_clusters(alice_client, alice, bob, located):
    located(alice, 51.5, -0.1)
    located(alice, 48.85, 2.35, geoprivacy="private")
    located(bob, 51.5, -0.1, geoprivacy="open")
    clusters = get(alice_client, bbox="-10,40,10,60", zoom=5)["features"]
    assert sorted((f["properties"]["count"], f["properties"]["mine_count"]) for f in clusters) == [
        (1, 1),
        (2, 1),
    ]


def test_a_wrong_token_reads_as_anyone(client, alice, located):
    located(alice, 51.5, -0.1, geoprivacy="private")
    response = client.get(URL, {"bbox": LONDON, "zoom": 14}, headers=bearer("made-up"))
    assert response.status_code == 200 and response.json()["features"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zoom": 14}, "bbox: Field required"),
        ({"bbox": "1,2,3", "zoom": 14}, "bbox: must be four numbers"),
        ({"bbox": "a,b,c,d", "zoom": 14}, "bbox: must be four numbers"),
        ({"bbox": "nan,1,2,3", "zoom": 14}, "bbox: must be four numbers"),
        ({"bbox": "-181,0,1,1", "zoom": 14}, "longitudes (west, east) must be between"),
        ({"bbox": "0,-91,1,1", "zoom": 14}, "latitudes (south, north) must be between"),
        ({"bbox": "170,0,-170,1", "zoom": 14}, "west is greater than east; a box across the anti"),
        ({"bbox": "0,10,1,5", "zoom": 14}, "south is greater than north"),
        ({"bbox": LONDON}, "zoom: Field required"),
        ({"bbox": LONDON, "zoom": "far"}, "zoom: Input should be a valid integer"),
        ({"bbox": LONDON, "zoom": 23}, "zoom: Input should be less than or equal to 22"),
        ({"bbox": LONDON, "zoom": -1}, "zoom: Input should be greater than or equal to 0"),
        ({"bbox": LONDON, "zoom": 14, "limit": 0}, "limit: Input should be greater than or equal"),
        ({"bbox": LONDON, "zoom": 14, "limit": 1001}, "limit: Input should be less than or equal"),
        ({"bbox": LONDON, "zoom": 14, "from": "yesterday"}, "from: Input should be a valid date"),
        ({"bbox": LONDON, "zoom": 14, "to": "2024-02-30"}, "to: Input should be a valid date"),
        ({"bbox": LONDON, "zoom": 14, "from": "2024-02-02", "to": "2024-02-01"}, "is after to"),
        ({"bbox": LONDON, "zoom": 14, "cursor": "bm9wZQ"}, "cursor: not one this API gave out"),
    ],
)
def test_bad_input_is_400_with_a_message(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_the_map_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    parameters = {p["name"] for p in paths["/api/v1/sightings"]["get"]["parameters"]}
    assert parameters == {"bbox", "zoom", "label", "from", "to", "limit", "cursor"}


def test_the_points_have_a_gist_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'map_sighting'")
        assert any("USING gist (point)" in row[0] for row in cursor.fetchall())
