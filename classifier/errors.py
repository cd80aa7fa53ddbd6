"""The exception types the classifier raises for anything it can explain."""


class ModelError(Exception):
    """The model cannot be configured, fetched, built or loaded.

    Callers catch this one type and show its message to a person: every message
    says what went wrong and, where there is one, what to do about it.
    """


class ImageError(ValueError):
    """An image the model cannot look at, even after converting it.

    Its message says why (for example "the image has no pixels"), so the worker
    can store it as the reason a submission failed.
    """
