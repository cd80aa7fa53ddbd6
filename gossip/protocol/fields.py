"""The field types of records and messages, each with the check a receiver makes.

Strings are checked but never rewritten: a record is verified over exactly the
text its origin signed, so a field that was tidied up on the way (a timestamp
re-formatted, a URL normalised) would no longer match its signature.
"""

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from gossip.protocol.limits import MAX_BASE_URL_CHARS, MAX_LABEL_CHARS, MAX_SEQ, MAX_URL_CHARS

# RFC 3339 with a mandatory offset, upper-case T and Z, and at most microseconds.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
# Unpadded base64url of 32 bytes (a public key) and of 64 (a signature), in their one
# canonical spelling: the last character carries 2 (or 4) spare bits, which must be 0.
# A pattern rather than a decode, because every message is full of node ids.
BYTES_32 = r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$"
BYTES_64 = r"^[A-Za-z0-9_-]{85}[AQgw]$"
# Printable ASCII: what a URL is on the wire (anything else must be percent-encoded).
URL_CHARACTERS = re.compile(r"[!-~]+")


def _sighting_id(text: str) -> str:
    if str(uuid.UUID(text)) != text:
        raise ValueError("must be a UUID in lower case with hyphens")
    return text


def _timestamp(text: str) -> str:
    if not RFC3339.fullmatch(text):
        raise ValueError("must be RFC 3339 with an offset, e.g. 2026-05-17T08:30:00Z")
    datetime.fromisoformat(text)  # a real date and time: no 31 April, no hour 25
    return text


def _label(text: str) -> str:
    # Cc: control characters (newlines, escapes). Cs: a lone surrogate, which JSON can
    # spell as \ud800 but UTF-8 cannot encode, so it could never be signed.
    if any(unicodedata.category(character) in ("Cc", "Cs") for character in text):
        raise ValueError("must not hold control characters or lone surrogates")
    return text


def _url(text: str, schemes: tuple[str, ...]) -> str:
    if not URL_CHARACTERS.fullmatch(text):
        raise ValueError("must be printable ASCII without spaces")
    parts = urlsplit(text)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"must be an absolute {' or '.join(schemes)} URL")
    if "@" in parts.netloc:
        raise ValueError("must not carry a user name or password")
    return text


def _https_url(text: str) -> str:
    return _url(text, ("https",))


def _base_url(text: str) -> str:
    # Plain http is a valid address in a message (another implementation's development
    # network may use one), so such a message is still answered; this deployment's
    # peers client never calls http, nor keeps such a peer (gossip/client.py).
    _url(text, ("https", "http"))
    parts = urlsplit(text)
    if parts.query or parts.fragment or text.endswith("/"):
        raise ValueError("must have no query, fragment or trailing slash")
    return text


NodeId = Annotated[str, Field(pattern=BYTES_32)]  # an Ed25519 public key
Seq = Annotated[int, Field(ge=1, le=MAX_SEQ)]
SightingId = Annotated[str, Field(min_length=36, max_length=36), AfterValidator(_sighting_id)]
Timestamp = Annotated[str, Field(max_length=40), AfterValidator(_timestamp)]
Signature = Annotated[str, Field(pattern=BYTES_64)]  # an Ed25519 signature
LabelText = Annotated[str, Field(min_length=1, max_length=MAX_LABEL_CHARS), AfterValidator(_label)]
HttpsUrl = Annotated[str, Field(max_length=MAX_URL_CHARS), AfterValidator(_https_url)]
BaseUrl = Annotated[str, Field(max_length=MAX_BASE_URL_CHARS), AfterValidator(_base_url)]
Sha256 = Annotated[str, Field(pattern=BYTES_32)]  # a SHA-256 hash
