from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, token_digest


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
