"""What manage.py and wsgi.py do before Django starts: load the settings, or say why not."""

import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from envreader import EnvError


def settings_load_or_exit(*, status: int = 1) -> None:
    """Load the settings; a bad one prints `error: <message>` (no traceback) and exits.

    The messages name the variable and what it takes, so the traceback under them
    only hides the one line a person needs.
    """
    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first read imports birdai/settings.py
    except (ImproperlyConfigured, EnvError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(status)
