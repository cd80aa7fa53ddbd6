"""`manage.py storage_clean_orphans`: delete stored files whose submission has no row.

Run it now and then (a daily cron job or CronJob is plenty). It looks in both
storages, local disk or S3, and only at files older than the grace period, so an
upload still in flight is never touched. `--dry-run` prints what it would delete.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from submissions.services import ORPHAN_GRACE, submission_orphan_files_delete


class Command(BaseCommand):
    help = "Delete stored files of submissions that have no row (older than the grace period)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted; delete nothing"
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(ORPHAN_GRACE.total_seconds() // 60),
            help="leave files younger than this alone (default: %(default)s)",
        )

    def handle(self, *args: Any, dry_run: bool, grace_minutes: int, **options: Any) -> None:
        orphans = submission_orphan_files_delete(
            grace=timedelta(minutes=grace_minutes), dry_run=dry_run
        )
        verb = "would delete" if dry_run else "deleted"
        for orphan in orphans:
            self.stdout.write(f"{verb} {orphan.storage}: {orphan.name}")
        outcome = "would be deleted (dry run)" if dry_run else "deleted"
        self.stdout.write(f"{len(orphans)} orphan file(s) {outcome}.")
