from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """The worker processes that are running, and the model each one serves."""

    name = "workers"
    label = "workers"
