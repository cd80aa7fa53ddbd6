"""What the worker runs beside the task queue, and how often: every periodic job.

The worker is the top of the layering (docs/architecture.md), so this list may
name jobs of every app; each app only provides the function.
"""

from django.conf import settings

from gossip.jobs import gossip_round_run
from gossip.services import own_records_reconcile
from gossip.sharing import public_changes_apply
from map.services import cluster_cells_rebuild
from submissions.services import submissions_requeue_stale
from workers.periodic import Job
from workers.services import worker_heartbeat


def periodic_jobs() -> list[tuple[Job, float]]:
    """(job, seconds between runs); intervals are settings (see .env.example)."""
    return [
        # First: it tells /readyz this worker is alive.
        (worker_heartbeat, settings.WORKER_HEARTBEAT),
        # Finished, re-scoped and deleted photos onto the map and to peers (the outbox).
        (public_changes_apply, settings.PUBLISH_INTERVAL),
        # Re-queues work a dead worker left behind.
        (submissions_requeue_stale, settings.SWEEP_INTERVAL),
        # A safety net under the cluster totals that every publish keeps.
        (cluster_cells_rebuild, settings.CLUSTER_RECOUNT_INTERVAL),
        (gossip_round_run, settings.GOSSIP_INTERVAL),
        (own_records_reconcile, settings.GOSSIP_RECONCILE_INTERVAL),
    ]
