"""Hypothesis profiles for the fuzz tests: "ci" (make test, bounded) and "fuzz" (make fuzz).

BIRDAI_FUZZ=fuzz selects the long one; each example must finish within a second.
"""

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

# Function-scoped fixtures (the database, the storage folder) are shared by every
# example on purpose: each example checks the counts before and after itself.
SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
# make test's pass is derandomized: the same examples every run, so CI is repeatable;
# make fuzz draws new ones each time and is where new failures are found.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=timedelta(seconds=1),
    suppress_health_check=SHARED,
    derandomize=True,
)
settings.register_profile(
    "fuzz", max_examples=3000, deadline=timedelta(seconds=1), suppress_health_check=SHARED
)
settings.load_profile(os.environ.get("BIRDAI_FUZZ", "ci"))
# The HTTP tests go through Django, the database and storage: fewer examples each.
HTTP_SHARE = 0.25


def http_examples() -> int:
    return max(10, int(settings.default.max_examples * HTTP_SHARE))


@pytest.fixture(autouse=True)
def no_rate_limits(settings) -> None:
    """The fuzzers send hundreds of requests a minute, as one user from one address:
    with the limits on (birdai/ratelimit.py), all but the first few would meet a 429
    (a 4xx the checks accept) and exercise nothing else."""
    for limit in ("RATE_LOGIN", "RATE_SIGNUP", "RATE_TOKEN", "RATE_UPLOAD"):
        setattr(settings, limit, 0)
