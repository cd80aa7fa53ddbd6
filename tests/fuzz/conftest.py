"""Hypothesis profiles for the fuzz tests: "ci" (make test, bounded) and "fuzz" (make fuzz).

BIRDAI_FUZZ=fuzz selects the long one; each example must finish within a second.
"""

import os
from datetime import timedelta

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
