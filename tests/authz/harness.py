"""Running one cell of the matrix (probe × role × relation) and observing what it did.

Every cell runs in a savepoint that is rolled back, so cells cannot affect each other and
the world is built once per module. What a request changed is read from PostgreSQL's
per-transaction statistics (``pg_stat_xact_user_tables``: rows inserted, updated and
deleted per table) — stronger than comparing row counts and max ids, because it also sees
an UPDATE (a denied reassignment that moved the case would change no count)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild, RefusedAccess
from tests.authz.routes import LITERAL_PATHS, Probe
from tests.authz.world import World

# Written by every request (the session; idle timeout counts from the last request).
ALWAYS = {"django_session"}
REFUSALS = {"authz_refusedaccess"}
ACCESS_LOG = {"audit_accesslogentry", "authz_accesslogchild"}

_STATS = (
    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
    "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
)


def table_writes() -> Counter:
    with connection.cursor() as cursor:
        cursor.execute(_STATS)
        return Counter(dict(cursor.fetchall()))


@dataclass
class Observation:
    url: str
    status: int
    body: bytes
    changed: set[str]
    log_rows: list[AccessLogEntry] = field(default_factory=list)
    log_children: dict[int, set[int]] = field(default_factory=dict)
    refusals: list[RefusedAccess] = field(default_factory=list)


def url_for(probe: Probe, world: World, rel: str, extra: dict) -> str:
    if probe.name in LITERAL_PATHS:
        url = LITERAL_PATHS[probe.name](world)
    else:
        kwargs = probe.kwargs(world, rel) if probe.kwargs else {}
        url = reverse(probe.name, kwargs={**kwargs, **extra})
    return f"{url}?{probe.query}" if probe.query else url


def logged_in(world: World, role: str) -> Client:
    """A client logged in as the role's user (anonymous: not logged in)."""
    client = Client()
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    return client


def run_cell(world: World, probe: Probe, role: str, rel: str, client: Client) -> Observation:
    """One request in a savepoint that is rolled back (the session too: ``client`` stays
    logged in for the next cell, even after a probe that logs out)."""
    with transaction.atomic():
        extra = probe.prepare(client, world, role, rel) if probe.prepare else {}
        url = url_for(probe, world, rel, extra)
        last_log = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        last_refusal = (
            RefusedAccess.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
        before = table_writes()
        if probe.method == "GET":
            response = client.get(url)
        elif probe.method == "POST":
            response = client.post(url, probe.data(world, rel) if probe.data else {})
        else:
            response = client.generic(probe.method, url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        after = table_writes()
        changed = {table for table, n in (after - before).items() if n} - ALWAYS
        rows = list(AccessLogEntry.objects.filter(id__gt=last_log).order_by("id"))
        children: dict[int, set[int]] = {}
        for entry_id, child_id in AccessLogChild.objects.filter(entry__in=rows).values_list(
            "entry_id", "child_id"
        ):
            children.setdefault(entry_id, set()).add(child_id)
        refusals = list(RefusedAccess.objects.filter(id__gt=last_refusal).order_by("id"))
        transaction.set_rollback(True)
    return Observation(url, response.status_code, body, changed, rows, children, refusals)
