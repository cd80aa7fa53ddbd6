from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, sign-in and API tokens."""

    name = "accounts"
    label = "accounts"
