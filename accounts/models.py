import hashlib
import secrets
from typing import Self

from django.conf import settings
from django.db import models


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def matching(self, key: str) -> Self:
        return self.filter(digest=token_digest(key)).select_related("user")


class ApiToken(models.Model):
    """A bearer token for the JSON API.

    Only a SHA-256 digest is stored, like a password: the key itself is shown
    once, when it is made, and a leaked database does not leak working tokens.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, default="api")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
