"""The access log's keyed hash chain.

Each row stores the previous row's hash (``prev_hash``) and its own ``row_hash``:

- **keyed rows** (``key_id`` set): ``HMAC-SHA256(chain key, canonical JSON of the row)``.
  The canonical form holds every column except ``id`` and ``row_hash`` — including
  ``prev_hash`` and ``key_id`` — and leaves out empty values, so a column added later with
  an empty default does not change the hash of older rows. Without the key nobody can
  produce a chain that verifies, so a rewritten and re-hashed log is detected.
- **legacy rows** (``key_id`` empty): plain SHA-256 as written before the chain was keyed
  (``legacy_digest``). They may only form the beginning of the log: the first keyed row
  continues their chain (its ``prev_hash`` is the last legacy hash), which is the recorded
  boundary. A legacy row after a keyed row is reported as tampering. No row is rewritten.

The key lives outside the database (``AUDIT_HMAC_KEY`` / ``AUDIT_HMAC_KEY_FILE``); the
database only sees a 16-hex-digit fingerprint (``key_id``). Keys are rotated by moving the
old key to ``AUDIT_HMAC_PREVIOUS_KEYS``: new rows use the new key, old rows still verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

GENESIS = "0" * 64
_EXCLUDED = {"id", "row_hash"}


@dataclass(frozen=True)
class ChainKey:
    key_id: str
    chain_key: bytes
    anchor_key: bytes


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"boernesag.audit.{purpose}".encode(), hashlib.sha256).digest()


def chain_key_from_secret(secret: bytes) -> ChainKey:
    return ChainKey(
        key_id=_derive(secret, "key-id").hex()[:16],
        chain_key=_derive(secret, "chain"),
        anchor_key=_derive(secret, "anchor"),
    )


def current_key() -> ChainKey:
    return chain_key_from_secret(settings.AUDIT_HMAC_KEY)


def known_keys() -> dict[str, ChainKey]:
    """Every key this installation can verify with, by fingerprint."""
    keys = [settings.AUDIT_HMAC_KEY, *settings.AUDIT_HMAC_PREVIOUS_KEYS]
    return {k.key_id: k for k in (chain_key_from_secret(secret) for secret in keys)}


def _json_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, int | str | bool | float):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)


def canonical(fields: dict) -> bytes:
    """The bytes the HMAC is computed over: sorted JSON of the non-empty columns."""
    data = {
        name: _json_value(value)
        for name, value in fields.items()
        if name not in _EXCLUDED and value not in (None, "", [], ())
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_fields(entry) -> dict:
    """Column values of an access-log row, by column name (``user_id``, not ``user``)."""
    return {field.attname: getattr(entry, field.attname) for field in entry._meta.concrete_fields}


def keyed_digest(fields: dict, key: ChainKey) -> str:
    return hmac.new(key.chain_key, canonical(fields), hashlib.sha256).hexdigest()


def legacy_digest(
    *, prev_hash: str, at, user_id, child_id, case_id, what, object_ref, reason, grant_id
) -> str:
    """The unkeyed hash of rows written before the chain was keyed (do not change)."""
    parts = (
        prev_hash,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        user_id,
        child_id or "",
        case_id or "",
        what,
        object_ref,
        reason,
        grant_id or "",
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def expected_hash(fields: dict, keys: dict[str, ChainKey]) -> str | None:
    """The hash a row should have; None when it names a key this installation lacks."""
    key_id = fields.get("key_id") or ""
    if not key_id:
        return legacy_digest(
            prev_hash=fields["prev_hash"],
            at=fields["at"],
            user_id=fields["user_id"],
            child_id=fields["child_id"],
            case_id=fields["case_id"],
            what=fields["what"],
            object_ref=fields["object_ref"],
            reason=fields["reason"],
            grant_id=fields["grant_id"],
        )
    key = keys.get(key_id)
    return keyed_digest(fields, key) if key else None
