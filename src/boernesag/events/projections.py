"""Projections: everything stored that is derived from events, with rebuild and verify.

A projection is registered by the app that owns its tables (``cases`` registers the case
state and responsibility, ``deadlines`` the clocks), in its ``AppConfig.ready``::

    from boernesag.events.projections import CaseProjection, register

    class CaseState(CaseProjection):
        name = "case_state"
        label = "Sagens fase og seneste aktivitet"
        kinds = None                      # every case event (or a frozenset of kinds)

        def compute(self, keys): ...      # {case_id: state} recomputed from events
        def stored(self, keys): ...       # {case_id: state} as stored now
        def write(self, changes): ...     # [(case_id, old, new)] → make stored == new

    register(CaseState())

- ``apply(event)`` runs in the transaction that writes the event (``event_write``); the
  default recomputes the event's case with ``compute`` and writes the difference, so the
  incremental path and a rebuild use the same function. Override it for a cheaper path that
  must give the same result (the property tests check that).
- ``rebuild(projection)`` recomputes every key in chunks, each a short transaction that
  takes the chunk's case locks without waiting (cases busy right now are retried one by one
  at the end) and writes only what differs: no TRUNCATE, readers are never blocked.
- ``verify(projection)`` recomputes and compares without writing; each chunk reads one
  consistent snapshot (REPEATABLE READ), so a concurrent write never shows as a difference.

``manage.py projections_rebuild [name …]`` and ``manage.py projections_verify [name …]`` run
them; ``events.tasks.projections_verify_nightly`` runs verify every night.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import connection, transaction

from boernesag.events import locks
from boernesag.events.constants import Scope

Key = Any
State = Any


class Projection:
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    scope: ClassVar[str] = Scope.CASE
    kinds: ClassVar[frozenset[str] | None] = None
    chunk_size: ClassVar[int] = 500

    def reacts_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    # --- to implement ---------------------------------------------------------------------
    def key_chunks(self) -> Iterator[list[Key]]:
        """Every key (case id, subject …) in chunks, in a stable order."""
        raise NotImplementedError

    def compute(self, keys: list[Key]) -> dict[Key, State]:
        """The state of each key, recomputed from the events. Absent: no state."""
        raise NotImplementedError

    def stored(self, keys: list[Key]) -> dict[Key, State]:
        raise NotImplementedError

    def write(self, changes: list[tuple[Key, State, State]]) -> None:
        raise NotImplementedError

    def describe(self, key: Key, old: State, new: State) -> str:
        return f"{self.name} {key}: gemt {old!r} ≠ beregnet {new!r}"

    # --- provided -----------------------------------------------------------------------------
    def lock(self, keys: list[Key], *, wait: bool) -> list[Key]:
        """Take the write locks for ``keys``; return the keys now held."""
        if self.scope == Scope.ORGANISATION:
            locks.organisation_lock()
            return list(keys)
        if wait:
            for key in sorted(keys):
                locks.case_lock(key)
            return list(keys)
        held = locks.case_try_locks(list(keys))
        return [k for k in keys if k in held]

    def refresh(self, keys: list[Key]) -> int:
        """Recompute ``keys`` and write what differs (caller holds the locks)."""
        new = self.compute(keys)
        old = self.stored(keys)
        changes = [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]
        if changes:
            self.write(changes)
        return len(changes)

    def apply(self, event) -> None:
        key = event.case_id if self.scope == Scope.CASE else None
        self.refresh([key])


class CaseProjection(Projection):
    """A projection keyed by case id."""

    scope: ClassVar[str] = Scope.CASE

    def key_chunks(self) -> Iterator[list[int]]:
        from django.apps import apps

        Case = apps.get_model("cases", "Case")
        last = 0
        while True:
            chunk = list(
                Case.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[: self.chunk_size]
            )
            if not chunk:
                return
            yield chunk
            last = chunk[-1]


REGISTRY: dict[str, Projection] = {}


def register(projection: Projection) -> Projection:
    if not projection.name:
        raise ValueError("a projection needs a name")
    REGISTRY[projection.name] = projection
    return projection


def get(name: str) -> Projection:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"ukendt projektion '{name}' (kendte: {known})") from None


def dispatch(event) -> None:
    """Run every projection that reacts to ``event`` (inside event_write's transaction)."""
    for projection in REGISTRY.values():
        if projection.scope == event.scope and projection.reacts_to(event.kind):
            projection.apply(event)


@dataclass
class RebuildResult:
    name: str
    checked: int = 0
    changed: int = 0
    retried: int = 0


def rebuild(
    projection: Projection,
    *,
    keys: Iterable[list[Key]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Recompute ``projection`` (all keys, or the given chunks) without blocking readers."""
    result = RebuildResult(projection.name)
    busy: list[Key] = []
    for chunk in keys if keys is not None else projection.key_chunks():
        with transaction.atomic():
            held = projection.lock(chunk, wait=False)
            busy.extend(k for k in chunk if k not in set(held))
            if held:
                result.changed += projection.refresh(held)
        result.checked += len(held)
        if progress:
            progress(result.checked)
    for key in busy:  # written to just now: wait for that one case, then recompute it
        with transaction.atomic():
            projection.lock([key], wait=True)
            result.changed += projection.refresh([key])
        result.checked += 1
        result.retried += 1
        if progress:
            progress(result.checked)
    return result


@dataclass
class VerifyResult:
    name: str
    checked: int = 0
    differences: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.differences == 0


def _snapshot():
    """A consistent, read-only snapshot for one chunk (only outside an outer transaction:
    inside one, e.g. in tests, the outer transaction already is the snapshot)."""
    outer = connection.in_atomic_block
    block = transaction.atomic()

    class _Ctx:
        def __enter__(self):
            block.__enter__()
            if not outer:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

        def __exit__(self, *exc):
            return block.__exit__(*exc)

    return _Ctx()


def verify(projection: Projection, *, limit: int = 50) -> VerifyResult:
    """Compare stored with recomputed state; collect up to ``limit`` described differences."""
    result = VerifyResult(projection.name)
    for chunk in projection.key_chunks():
        with _snapshot():
            new = projection.compute(chunk)
            old = projection.stored(chunk)
        result.checked += len(chunk)
        for key in chunk:
            if old.get(key) != new.get(key):
                result.differences += 1
                if len(result.lines) < limit:
                    result.lines.append(projection.describe(key, old.get(key), new.get(key)))
    return result


def chunked(items: Iterable[Key], size: int) -> Iterator[list[Key]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
