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


class InferenceUnavailable(ModelError):
    """The inference service (BIRDAI_INFERENCE_URL) cannot answer right now.

    Refused, reset or timed-out connections and 502/503/504 answers: an outage,
    not a fault of the photo. The worker waits it out (the photo is queued again
    later) instead of failing the photo.
    """
