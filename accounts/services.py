from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, token_digest

# The tokens page shows when each token was last used, to the minute at most; writing it
# on every call would add an UPDATE to every API request, two a second for a busy script.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_create(*, user: User, name: str = "api") -> str:
    """Make a token for ``user`` and return its key (the only time it is seen)."""
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name=name, digest=token_digest(key))
    return key


def api_token_authenticate(*, key: str) -> User | None:
    token = ApiToken.objects.matching(key).filter(user__is_active=True).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_create(*, username: str, password: str) -> User:
    """A new user; the password rules are the sign-up form's to check, before this."""
    return User.objects.create_user(username=username, password=password)


@transaction.atomic
def user_with_token_create(*, username: str, password: str) -> tuple[User, str]:
    """A new user and their first API token's key: both or, if either fails, neither."""
    user = user_create(username=username, password=password)
    return user, api_token_create(user=user)


def user_delete(*, user: User) -> None:
    """Delete the account and its API tokens (by cascade).

    Their photos must be gone first: submissions.services.account_delete does both.
    """
    user.delete()
