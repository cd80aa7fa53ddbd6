"""Every number the protocol limits, in one place; docs/gossip.md quotes each of them.

A receiver refuses anything beyond these, so no peer can make it parse, store or
answer more than this much at once.
"""

from typing import Final

PROTOCOL_VERSION: Final = 1  # Final: a type checker reads it as the literal 1

# seq is 1, 2, 3… per origin, and stays below 2**63 so that it fits a PostgreSQL bigint.
MAX_SEQ = 2**63 - 1

# A sighting record.
MAX_LABELS = 10
MAX_LABEL_CHARS = 64
MAX_URL_CHARS = 1000
MAX_PRECISION_M = 1_000_000.0  # 1000 km: beyond that a position says nothing
# How many earlier versions one record may replace: a sighting can change this often.
MAX_REPLACES = 100
# A record's canonical form without `sig`. The largest record of the fields above is
# about 7 kB, so this leaves room for fields a later version adds, and 500 records of
# this size (with their signatures) still fit in one message of MAX_BODY_BYTES.
MAX_RECORD_BYTES = 8000

# Messages.
MAX_DIGEST_ENTRIES = 10_000  # origins one node tracks; a digest is ~55 bytes an entry
MAX_UPDATES = 500  # records in one exchange response or updates request
MAX_PEERS = 20  # peers in one message
MAX_BASE_URL_CHARS = 200
MAX_BODY_BYTES = 4 * 1024 * 1024  # what an endpoint reads: 500 records of the largest size fit

# What a node shares and keeps of the peers it hears about.
PEERS_SHARED = 5  # a random few a message: enough to spread, small enough to stay cheap
MAX_KNOWN_PEERS = 1000  # gossip cannot fill a node's peer table beyond this
