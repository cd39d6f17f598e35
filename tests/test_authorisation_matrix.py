"""The authorisation matrix, generated from the URL resolver.

Every URL pattern of the project × every role × every relation to the object (own, team,
other, intake, reasoned access for reading and for writing, none) gets the answer the table
in ``tests/authz/routes.py`` says; denied requests change nothing (every table's inserts,
updates and deletes, from PostgreSQL's statistics) and show no child's name or CPR number,
and each refusal is recorded with the user; every allowed page with a child's data writes
exactly the access-log row the table says. A URL pattern without an entry fails the
meta-test: new routes are added to the table, not as new tests (docs/authorisation.md)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz.harness import ACCESS_LOG, REFUSALS, logged_in, run_cell
from tests.authz.routes import NOTHING, PROBES, REASONED, Detail, Listing, Probe
from tests.authz.world import ROLES

pytestmark = pytest.mark.django_db
DENIED = (403, 404, 405)


def url_pattern_keys() -> set[str]:
    """Every pattern of the project: ``namespace:name``, or ``route:<pattern>`` unnamed."""
    keys: set[str] = set()

    def walk(resolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                keys.add(f"{namespace}{pattern.name}" if pattern.name else f"route:{route}")

    walk(get_resolver(), "", "")
    return keys


def test_every_url_pattern_has_rows_in_the_matrix():
    missing = url_pattern_keys() - {p.name for p in PROBES}
    assert not missing, f"URL patterns without rows in tests/authz/routes.py: {sorted(missing)}"


def test_every_matrix_row_names_a_url_pattern_and_says_what_its_pages_log():
    assert {p.name for p in PROBES} <= url_pattern_keys()
    for probe in PROBES:
        if probe.method == "GET":
            assert probe.log is not None, f"{probe.label}: say what the page logs (log=…)"


def _check_log(world, probe: Probe, role: str, rel: str, obs) -> None:
    user = world.users[role]
    log = probe.log
    if log == NOTHING or obs.status >= 300:
        assert not obs.log_rows, obs.log_rows
        return
    if isinstance(log, Detail):
        target = world.target(rel)
        assert len(obs.log_rows) == 1, [r.what for r in obs.log_rows]
        row = obs.log_rows[0]
        assert (row.user_id, row.what, row.child_id) == (user.pk, log.what, target.child.pk)
        assert row.case_id == (target.case.pk if log.case else None)
        assert row.object_ref == (str(getattr(target, log.obj).pk) if log.obj else "")
        # the reason is logged when reasoned access is what lets the user in
        granted = rel in ("grant", "assign") and role in REASONED
        assert row.reason == (target.grant_reason if granted else "")
        assert (row.grant_id is not None) == granted
        return
    assert isinstance(log, Listing)
    expected = None
    if log.children is not None:
        expected = {world.target(r).child.pk for r in log.children(world, role, rel)}
    if expected == set() or (expected is None and not obs.log_rows):
        assert not obs.log_rows, obs.log_rows  # no child shown, nothing logged
        return
    assert len(obs.log_rows) == 1, [r.what for r in obs.log_rows]
    row = obs.log_rows[0]
    assert (row.user_id, row.what, row.child_id) == (user.pk, log.what, None)
    shown = obs.log_children.get(row.pk, set())
    if expected is not None:
        assert shown == expected
    assert f"n={len(shown)} h=" in row.object_ref


def _check_denied(world, role: str, obs) -> None:
    assert not obs.changed - REFUSALS, f"a denied request changed {obs.changed - REFUSALS}"
    body = obs.body.decode(errors="replace")
    for word in world.personal_words:
        assert word not in body, f"personal data {word!r} in a denied answer"
    if obs.status in (403, 404) and role != "anonymous":
        assert len(obs.refusals) == 1, obs.refusals
        refusal = obs.refusals[0]
        assert (refusal.user_id, refusal.status) == (world.users[role].pk, obs.status)
    else:
        assert not obs.refusals


@pytest.mark.parametrize("probe", PROBES, ids=[f"{i:03d}-{p.label}" for i, p in enumerate(PROBES)])
def test_matrix(matrix_world, probe: Probe):
    failures = []
    for role in ROLES:
        client = logged_in(matrix_world, role)
        # anonymous requests are turned away before any object is looked at: one relation
        relations = probe.relations[:1] if role == "anonymous" else probe.relations
        for rel in relations:
            obs = run_cell(matrix_world, probe, role, rel, client)
            expected = probe.expect(role, rel)
            where = f"{probe.label} {obs.url} as {role} on {rel}"
            if obs.status != expected:
                failures.append(f"{where}: {obs.status}, expected {expected}")
                continue
            try:
                if obs.status in DENIED:
                    _check_denied(matrix_world, role, obs)
                elif probe.method == "GET" and role != "anonymous":
                    assert not obs.changed - ACCESS_LOG, (
                        f"a read changed {obs.changed - ACCESS_LOG}"
                    )
                    _check_log(matrix_world, probe, role, rel, obs)
            except AssertionError as exc:
                failures.append(f"{where}: {exc}")
    assert not failures, "\n".join(failures)
