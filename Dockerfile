# bird.ai — one image for the web tier and the worker (course stage CA1).
# Multi-stage builds, a torch-free runtime and the GPU variant come with the
# course-stage issue; see docs/architecture.md.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    YOLO_OFFLINE=1 YOLO_AUTOINSTALL=false \
    BIRDAI_DATA_DIR=/data

# GeoDjango needs GDAL and GEOS at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgdal32 curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY birdai birdai
COPY classifier classifier
COPY map map
COPY manage.py ./
RUN pip install --no-cache-dir -c requirements.lock ".[worker]" \
    && BIRDAI_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v0

RUN useradd --system --uid 10001 --home-dir /app birdai \
    && mkdir -p /data && chown birdai /data
USER birdai
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

# Web: the default. Worker: `docker run IMAGE python manage.py worker`.
CMD ["sh", "-c", "python manage.py migrate --no-input && exec gunicorn birdai.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-2} --threads ${GUNICORN_THREADS:-8}"]
