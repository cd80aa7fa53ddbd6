"""The gossip protocol core, version 1 (docs/gossip.md): plain Python, no Django, no I/O.

Records and their canonical form, signatures, digests and deltas, the merge rules,
peer lists, and the answers a node gives: all pure functions over a Store and a
PeerBook, so the in-process simulation (bench/gossip.py) and the HTTP endpoints
(gossip/views.py) drive the same code. Nothing here imports the Django side.

Importing it is cheap on purpose: import the module you need, e.g.
`from gossip.protocol.exchange import delta, merge`.
"""
