"""Read settings from environment variables: the one reader every package uses.

Every variable can also be given as ``NAME_FILE`` pointing at a file that holds the
value, which is how Docker and Kubernetes secrets are mounted. A blank value counts
as unset. Plain Python, no Django: the classifier (below Django) reads its model
settings through it too, and birdai/settings.py reads everything else.

A value that cannot be read raises EnvError, whose message names the variable.
"""

import os
from collections.abc import Callable


class EnvError(ValueError):
    """A variable holds something its setting cannot take."""


def env_raw(name: str) -> str | None:
    """The variable's text (from NAME_FILE if that is set); None when unset or blank."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            with open(file_path, encoding="utf-8") as secret_file:
                value = secret_file.read().strip()
        except OSError as error:
            raise EnvError(f"{name}_FILE={file_path!r} cannot be read: {error.strerror}") from None
    else:
        value = os.environ.get(name, "").strip()
    return value or None


def env_parsed[T](name: str, default: T, parse: Callable[[str], T]) -> T:
    """Parse one variable; unset or blank means the default."""
    raw = env_raw(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except ValueError as error:  # float("x") and int("x") raise ValueError too
        raise EnvError(f"{name}={raw!r} is invalid: {error}") from None


def env_str(name: str, default: str = "") -> str:
    return env_parsed(name, default, str)


def env_bool(name: str, default: bool) -> bool:
    return env_parsed(name, default, _boolean)


def env_int(name: str, default: int) -> int:
    return env_parsed(name, default, int)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def _boolean(value: str) -> bool:
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false (1/0, yes/no, on/off)")
