"""Every URL of the site, walked from the URL conf, for tests that must cover them all.

Walking it (not listing URLs by hand) means a view added tomorrow is in those tests
the day it is added: CSRF (tests/birdai/test_csrf.py), authorisation
(tests/birdai/test_authorisation.py).
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from django.urls import URLPattern, URLResolver, get_resolver


class Route(NamedTuple):
    route: str  # the pattern's text, its includes' prefixes first: "submissions/<uuid:…>/"
    name: str  # namespaced; a nameless pattern's is its namespace alone ("gossip:")
    view: Callable[..., Any]

    @property
    def label(self) -> str:
        """What names it in a table: its URL name, or its route if it has none."""
        return self.name if self.name and not self.name.endswith(":") else self.route


def routes(
    patterns: Sequence[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the URL conf, includes walked into (the API's and admin's too)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield Route(route, namespace + (pattern.name or ""), pattern.callback)
