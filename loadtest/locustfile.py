"""bird.ai's load test: people on the site's pages and scripts on its JSON API.

    locust -f loadtest/locustfile.py --config loadtest/locust.conf --host https://your.site
    locust -f loadtest/locustfile.py --config loadtest/locust.conf --host ... ApiClient

The second line is the API-only profile, as the autograder runs it. The user
classes are in visitor.py (the pages) and api_client.py (the API); a run's stats
CSV is judged by check.py against thresholds.toml. This is a client only: it imports
nothing of bird.ai, so it can be pointed at any deployment.
"""

from locust import events
from locust.argument_parser import LocustArgumentParser

from api_client import ApiClient
from visitor import Visitor

__all__ = ["ApiClient", "Visitor"]


@events.init_command_line_parser.add_listener
def _options(parser: LocustArgumentParser) -> None:
    parser.add_argument(
        "--pace", type=float, default=1.8,
        help="seconds from the start of one step of a user to the next (default 1.8: about"
        " one request a second each); 0: each step as soon as the last one is answered",
    )  # fmt: skip
    parser.add_argument(
        "--upload-share", type=float, default=0.01,
        help="the share of a user's steps that upload a photo (default 0.01: one in a hundred)",
    )  # fmt: skip
    parser.add_argument(
        "--accounts",
        help="a JSON list of accounts that exist: {username, password, sessionid, token};"
        " without it every user signs up",
    )
    parser.add_argument(
        "--signup-share", type=float, default=0.1,
        help="with --accounts, the share of users who sign up (the others have an account)",
    )  # fmt: skip
    parser.add_argument(
        "--signin-share", type=float, default=0.1,
        help="with --accounts, the share who sign in with the password; the rest come back"
        " still signed in (their session cookie, their token)",
    )  # fmt: skip
