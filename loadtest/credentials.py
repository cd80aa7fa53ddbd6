"""Returning visitors for the stack's run: a password, a session and a token per account.

    python -m loadtest.credentials --count 300 --out accounts.json   (with the stack's env)

Most people who open the site are still signed in from their last visit (a session
cookie), and a script keeps its token; signing in again costs a password hash (about
30 ms of a core with Argon2id, by design), so a load test in which every user signs
in measures mostly that. This gives the seeded accounts (bench/map.sql's bench1 …)
one password, then makes each a session and an API token, written as JSON for
locust's --accounts. The stack side only: it uses the app, while the locust users never import it.
"""

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    password = os.environ["LOADTEST_PASSWORD"]  # not on the command line, where ps shows it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "birdai.settings")
    import django

    django.setup()
    args.out.write_text(json.dumps(_accounts(args.count, password)))


def _accounts(count: int, password: str) -> list[dict[str, str]]:
    from accounts.services import api_token_create
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    users = list(User.objects.filter(username__startswith="bench").order_by("id")[:count])
    User.objects.filter(pk__in=[user.pk for user in users]).update(password=make_password(password))
    accounts = []
    for user in User.objects.filter(pk__in=[user.pk for user in users]):
        # What django.contrib.auth.login() stores, without a request to log in with.
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts.append(
            {
                "username": user.username,
                "password": password,
                "sessionid": session.session_key or "",
                "token": api_token_create(user=user, name="load test"),
            }
        )
    return accounts


if __name__ == "__main__":
    main()
