from django.apps import AppConfig


class GossipConfig(AppConfig):
    """Sharing public sightings with peer deployments.

    The protocol core in this package is plain Python; the Django side is in
    models.py, db_store.py, db_peers.py, identity.py, publishing.py, services.py,
    peers_client.py, round_job.py and views.py.
    """

    name = "gossip"
    label = "gossip"
