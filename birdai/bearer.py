"""The user of a request's API token (`Authorization: Bearer`), looked up once a request.

The rate limits (birdai/ratelimit.py) key an API upload by its user before the API's
own authentication (birdai/api.py) runs; both ask here, so a token costs one query.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts.services import api_token_authenticate

ATTRIBUTE = "_birdai_bearer"  # (key, user) as found earlier in this request


def bearer_user(request: HttpRequest, key: str) -> User | None:
    found: tuple[str, User | None] | None = getattr(request, ATTRIBUTE, None)
    if found is not None and found[0] == key:
        return found[1]
    user = api_token_authenticate(key=key)
    setattr(request, ATTRIBUTE, (key, user))
    return user
