"""Gossip: deployments share their public sightings with peers, signed, by push-pull.

`gossip/protocol/` is the protocol core (pure, no Django). Beside it, the Django app
that runs it in a deployment: the models, the store and peers on PostgreSQL
(database.py), the one HTTP client for peers (client.py), the endpoints (views.py),
this node's own records (sharing.py) and the worker's periodic jobs (jobs.py).
"""
