import os

from django.core.wsgi import get_wsgi_application

from birdai.startup import settings_load_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "birdai.settings")
# 4 is gunicorn's "App failed to load": its master then stops with that one line,
# instead of booting worker after worker into the same error.
settings_load_or_exit(status=4)
application = get_wsgi_application()
