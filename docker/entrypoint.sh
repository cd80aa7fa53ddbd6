#!/bin/sh
# The image's entrypoint: one image, two roles (docs/stages/ca1.md).
#
#   web      apply migrations (one replica at a time), then gunicorn on 0.0.0.0:$PORT
#   worker   the classification worker: manage.py worker
#   inference  the model over HTTP on 0.0.0.0:8001 (docs/classifier.md); no database
#   ...      anything else runs as given: docker run IMAGE python manage.py createsuperuser
set -eu

role=${1:-web}
[ $# -eq 0 ] || shift

case $role in
    web)
        # Every web replica migrates as it starts; the advisory lock in
        # migrate_locked makes replicas that start together take turns.
        python manage.py migrate_locked
        # gthread: each process answers GUNICORN_THREADS requests at once. Two
        # sync workers (one request each) dropped connections at 80+ concurrent
        # users; eight threads per worker fixed it: a request mostly waits on
        # the disk and the database, not the CPU. No control socket: nothing
        # here uses gunicornc, and the app's user may not write to its home (/app).
        exec gunicorn birdai.wsgi \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${GUNICORN_WORKERS:-2}" \
            --worker-class gthread \
            --threads "${GUNICORN_THREADS:-8}" \
            --access-logfile - \
            --no-control-socket \
            "$@"
        ;;
    worker)
        exec python manage.py worker "$@"
        ;;
    inference)
        # Workers reach it with BIRDAI_INFERENCE_URL=http://HOST:8001.
        exec python -m classifier serve --host 0.0.0.0 --port 8001 "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
