"""Gossip: deployments share their public sightings with peers, signed, by push-pull.

This package holds the protocol core: plain Python, no Django and no I/O, so the
in-process simulation (`python -m gossip.bench`) and the HTTP endpoints drive the
same code. The protocol itself is written down in docs/gossip.md. Beside the core,
the Django app that runs it in a deployment (see README.md here); the core modules
import nothing from it.

Importing it is cheap on purpose: import the module you need, e.g.
`from gossip.exchange import delta, merge`.
"""
