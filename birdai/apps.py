from django.apps import AppConfig


class BirdaiConfig(AppConfig):
    """The core app: base templates, health checks and the worker command."""

    name = "birdai"
    verbose_name = "bird.ai"
