"""Node identity and signatures: Ed25519 over the canonical JSON of what is signed.

A node makes its key pair once, at first start, and keeps the private half in its
database; its `node_id` is the public half in base64url without padding. Anyone
can check a record's signature with nothing but the record, because the record
names its origin, and the origin is the key.
"""

import base64
import json
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import JsonValue

PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded base64url text, accepting only the one canonical spelling.

    Python's decoder skips characters outside the alphabet and ignores stray low bits
    in the last character; both would let two different strings name the same key.
    """
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise ValueError("not the canonical base64url spelling")
    return data


def canonical_json(value: JsonValue) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, UTF-8 (not \\u escapes).

    Numbers are written as Python writes them: an int as digits, a float in the
    shortest form that reads back the same (1.0, 0.87, 5e-05). NaN and infinities
    are not JSON, so they raise instead of being written.
    """
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def node_id_bytes(node_id: str) -> bytes:
    """The 32 public-key bytes a node id names; ValueError if it names none."""
    raw = b64url_decode(node_id)
    if len(raw) != PUBLIC_KEY_BYTES:
        raise ValueError(f"is {len(raw)} bytes, an Ed25519 public key is {PUBLIC_KEY_BYTES}")
    return raw


def signature_valid(node_id: str, message: bytes, signature: str) -> bool:
    """Whether `signature` (base64url) is the node's Ed25519 signature of `message`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(node_id_bytes(node_id))
        key.verify(b64url_decode(signature), message)
    except (ValueError, InvalidSignature):
        return False
    return True


class NodeKey:
    """A node's Ed25519 key pair; `node_id` is how every peer knows the node."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        public = private_key.public_key().public_bytes_raw()
        self.node_id = b64url_encode(public)

    @classmethod
    def generate(cls) -> "NodeKey":
        """A new key pair from the operating system's random source: at a node's first start."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> "NodeKey":
        """The key pair whose 32-byte private key (as stored by `private_bytes`) this is."""
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        """The 32 bytes to keep in the database: they are the node's identity."""
        return self._private_key.private_bytes_raw()

    def sign(self, message: bytes) -> str:
        """The signature of `message`, in base64url (86 characters)."""
        return b64url_encode(self._private_key.sign(message))

    def __repr__(self) -> str:
        # Never the private key, whatever gets logged.
        return f"NodeKey({self.node_id})"
