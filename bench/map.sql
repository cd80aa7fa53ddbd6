-- Made-up sightings for `python -m bench.map`, written by PostgreSQL itself: no ORM
-- saves, so a million rows take seconds. {rows} is the number of sightings.
--
-- Six in ten crowd around 200 "cities" (normally distributed, 5 to 55 km wide), the
-- rest are scattered between 60°S and 75°N. Each is a classified submission of one of
-- 1000 users with one detection; three in ten are open, the others obscured.
SELECT setseed(0.42);

INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT '!', false, 'bench' || i, '', '', '', false, true, now()
FROM generate_series(1, 1000) AS i;

CREATE TEMP TABLE bench_city AS
SELECT i, random() * 300 - 150 AS lon, random() * 120 - 55 AS lat, 0.05 + random() * 0.5 AS spread
FROM generate_series(0, 199) AS i;

CREATE TEMP TABLE bench_row AS
SELECT gen_random_uuid() AS id,
       (SELECT min(id) FROM auth_user WHERE username LIKE 'bench%') + g % 1000 AS owner_id,
       CASE WHEN g % 10 < 6
            THEN least(179.9, greatest(-179.9, c.lon + c.spread * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))
            ELSE random() * 359.8 - 179.9 END AS lon,
       CASE WHEN g % 10 < 6
            THEN least(84.9, greatest(-84.9, c.lat + c.spread * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))
            ELSE random() * 135 - 60 END AS lat,
       (ARRAY['squirrel', 'bird', 'bird', 'person', 'dog', 'cat'])[1 + floor(random() * 6)::int] AS label,
       0.25 + random() * 0.74 AS confidence,
       CASE WHEN random() < 0.3 THEN 'open' ELSE 'obscured' END AS geoprivacy,
       timestamptz '2020-01-01' + random() * interval '2191 days' AS observed_at
FROM generate_series(1, {rows}) AS g
JOIN bench_city AS c ON c.i = g % 200;

INSERT INTO submissions_submission (id, owner_id, created_at, original_name, original, image,
    thumbnail, width, height, location, geoprivacy, captured_at, status, task_id, attempts,
    error, model_name, model_classes, device, precision, inference_ms)
SELECT id, owner_id, observed_at, 'bench.jpg', 'submissions/' || id || '/original.jpg',
       'submissions/' || id || '/image.jpg', 'submissions/' || id || '/thumbnail.jpg', 640, 480,
       ST_SetSRID(ST_MakePoint(lon, lat), 4326), geoprivacy, observed_at, 'done', '', 1, '',
       'bench', '[]', 'cpu', 'fp32', 0
FROM bench_row;

INSERT INTO submissions_detection (submission_id, label, confidence, x1, y1, x2, y2)
SELECT id, label, confidence, 10, 10, 200, 200 FROM bench_row;

-- The public point: the true one if open, else a random point in its 0.2° cell.
-- Every NOT NULL column is named: Django's defaults live in Python, not in the table.
INSERT INTO map_sighting (id, origin, seq, submission_id, owner_id, point, precision_m, label,
    confidence, labels, observed_at, published_at, image_url, thumb_url, origin_host)
SELECT gen_random_uuid(), '', NULL, id, owner_id,
       CASE WHEN geoprivacy = 'open' THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326)
            ELSE ST_SetSRID(ST_MakePoint((floor(lon * 5) + 0.001 + random() * 0.998) / 5,
                                         (floor(lat * 5) + 0.001 + random() * 0.998) / 5), 4326) END,
       CASE WHEN geoprivacy = 'open' THEN NULL ELSE 20000 END, label, confidence,
       jsonb_build_array(jsonb_build_object('label', label, 'confidence', confidence)),
       observed_at, now(), '', '', ''
FROM bench_row;
