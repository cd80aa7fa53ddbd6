from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Photos people upload and what the classifier found in them."""

    name = "submissions"
    label = "submissions"
