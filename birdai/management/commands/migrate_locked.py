"""`manage.py migrate_locked`: `migrate`, one process at a time.

Every web container migrates as it starts (docker/entrypoint.sh). Replicas that
start together would run `migrate` side by side, and two of them applying the
same migration collide: one fails half-way. A PostgreSQL advisory lock makes
them take turns: the first applies what is new, the others wait for it, then
find nothing left to do. The lock belongs to the database session, so a
process that dies while holding it lets go of it with its connection.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection

# Any number every replica agrees on; this one spells "bird" in ASCII.
MIGRATE_LOCK = 0x62697264


class Command(BaseCommand):
    help = "Apply migrations one process at a time (a PostgreSQL advisory lock)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=int,
            default=600,
            metavar="SECONDS",
            help="how long to wait for another process's migrate (default: 600; 0: for ever)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wait = options["wait"]
        with connection.cursor() as cursor:
            # lock_timeout bounds the wait for the lock. It is for this session
            # only, and reset at once: the migrations take locks of their own.
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{wait}s"])
            try:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
            except OperationalError as error:
                raise CommandError(f"Another process kept migrating for {wait} s") from error
            finally:
                cursor.execute("RESET lock_timeout")
        try:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
