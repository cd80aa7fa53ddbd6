from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from birdai.accounts.models import ApiToken, token_digest


def api_token_create(*, user: User, name: str = "api") -> str:
    """Make a token for ``user`` and return its key (the only time it is seen)."""
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name=name, digest=token_digest(key))
    return key


def api_token_authenticate(*, key: str) -> User | None:
    token = ApiToken.objects.matching(key).filter(user__is_active=True).first()
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def user_create(*, username: str, password: str) -> User:
    return User.objects.create_user(username=username, password=password)
