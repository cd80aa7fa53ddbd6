"""The one exception type the classifier raises for anything it can explain."""


class ModelError(Exception):
    """The model cannot be configured, fetched or loaded.

    Callers catch this one type and show its message to a person: every message
    says what went wrong and, where there is one, what to do about it.
    """
