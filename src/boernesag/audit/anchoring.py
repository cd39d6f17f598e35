"""Anchors: signed checkpoints of the access log's head, kept outside the database.

A checkpoint names the newest row (id and hash), how many rows the log had up to it, where
the keyed chain begins and when it was taken, signed with an HMAC (a key derived from the
audit key, which is not in the database). ``audit_verify`` compares the log with every
checkpoint, so deleting the newest rows, a TRUNCATE or a log rebuilt from scratch is found
even though the chain alone would look consistent.

Checkpoints are written daily by the scheduler (``audit.scheduling``) and on demand with
``manage.py audit_anchor``, to every sink in ``AUDIT_ANCHOR_SINKS``:

- ``FileSink`` (default): one append-only file per day, ``anchors-YYYY-MM-DD.jsonl`` in
  ``AUDIT_ANCHOR_DIR``, one JSON line per checkpoint, opened with O_APPEND and fsynced.
  Put the directory on storage the database server cannot write (another host's share,
  WORM storage, ``chattr +a``); see docs/security.md.
- ``LoggingSink``: the checkpoint as one line on the logger ``boernesag.audit.anchor`` (send
  it to a central log server); write-only, so verification reads only readable sinks.

A sink is any class with ``write(checkpoint: dict) -> str`` and, when it can read back,
``read() -> Iterable[tuple[str, dict | None]]`` (where, checkpoint or None if unreadable).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from boernesag.audit.chain import ChainKey, current_key
from boernesag.audit.models import AccessLogEntry

ANCHOR_KIND = "boernesag.audit.anchor"
_CHAIN_LOCK_KEY = 0x0B0E5A6  # the same lock as appends: the head cannot move meanwhile


def _signed_bytes(checkpoint: dict) -> bytes:
    body = {k: v for k, v in checkpoint.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_sign(checkpoint: dict, key: ChainKey) -> dict:
    return {
        **checkpoint,
        "sig": hmac.new(key.anchor_key, _signed_bytes(checkpoint), "sha256").hexdigest(),
    }


def checkpoint_signature_valid(checkpoint: dict, key: ChainKey) -> bool:
    expected = hmac.new(key.anchor_key, _signed_bytes(checkpoint), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(checkpoint.get("sig", "")))


@transaction.atomic
def checkpoint_build() -> dict:
    """The current head of the access log, signed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
    head = AccessLogEntry.objects.order_by("-id").values("id", "row_hash").first()
    keyed_since = (
        AccessLogEntry.objects.exclude(key_id="")
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    key = current_key()
    checkpoint = {
        "kind": ANCHOR_KIND,
        "v": 1,
        "database": database,
        "at": timezone.now().isoformat(timespec="seconds"),
        "head_id": head["id"] if head else None,
        "head_hash": head["row_hash"] if head else None,
        "count": AccessLogEntry.objects.count(),
        "keyed_since_id": keyed_since,
        "key_id": key.key_id,
    }
    return checkpoint_sign(checkpoint, key)


def sinks() -> list:
    return [import_string(path)() for path in settings.AUDIT_ANCHOR_SINKS]


def audit_anchor() -> tuple[dict, list[str]]:
    """Take a checkpoint and write it to every sink. Returns it and where it went."""
    checkpoint = checkpoint_build()
    return checkpoint, [sink.write(checkpoint) for sink in sinks()]


def anchors_read() -> list[tuple[str, dict | None]]:
    """Every checkpoint the readable sinks hold, as (where, checkpoint or None)."""
    found: list[tuple[str, dict | None]] = []
    for sink in sinks():
        read = getattr(sink, "read", None)
        if read is not None:
            found.extend(read())
    return found


class FileSink:
    """Append-only JSON-lines files, one per day, in ``AUDIT_ANCHOR_DIR``."""

    def __init__(self, directory: Path | str | None = None):
        self.directory = Path(directory or settings.AUDIT_ANCHOR_DIR)

    def write(self, checkpoint: dict) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        day = timezone.localdate().isoformat()
        path = self.directory / f"anchors-{day}.jsonl"
        line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":")) + "\n"
        new = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:  # make the new directory entry durable too
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return str(path)

    def read(self) -> Iterable[tuple[str, dict | None]]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("anchors-*.jsonl")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    checkpoint = json.loads(line)
                except ValueError:
                    checkpoint = None
                found.append((where, checkpoint if isinstance(checkpoint, dict) else None))
        return found


class LoggingSink:
    """The checkpoint as one log line (logger ``boernesag.audit.anchor``); write-only."""

    logger = logging.getLogger("boernesag.audit.anchor")

    def write(self, checkpoint: dict) -> str:
        self.logger.info("%s", json.dumps(checkpoint, sort_keys=True, separators=(",", ":")))
        return "log:boernesag.audit.anchor"
