"""``audit_verify``: is the access log as it was written?

Checks, in Danish for the operator:
1. the chain, row by row: each row's hash (HMAC with a known key, or the legacy SHA-256
   for the rows before the chain was keyed) and its link to the row before;
2. the anchors outside the database: each checkpoint's signature, that the row it names
   still exists with the same hash and the same number of rows up to it, that the log has
   not shrunk behind it (newest rows deleted, TRUNCATE) and that the keyed chain still
   starts where it did;
3. the database's own guards: every append-only table has both triggers enabled, and the
   application's role cannot change them.

It says up to which anchor the log is proven intact: everything up to the newest anchor
that matches is as it was at that time; later rows are protected by the keyed chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from boernesag.audit.anchoring import ANCHOR_KIND, anchors_read, checkpoint_signature_valid
from boernesag.audit.append_only import append_only_tables
from boernesag.audit.chain import GENESIS, expected_hash, known_keys
from boernesag.audit.models import AccessLogEntry
from boernesag.conf import db_roles


@dataclass
class Anchor:
    where: str
    at: datetime
    head_id: int | None
    head_hash: str | None
    count: int
    keyed_since_id: int | None
    matched: bool = False


@dataclass
class VerifyReport:
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proven: Anchor | None = None
    first_broken_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            head = f"Adgangsloggen er intakt ({self.rows} rækker)."
        else:
            head = f"Adgangsloggen er IKKE intakt ({len(self.problems)} fejl):"
        lines = [head, *(f"- {p}" for p in self.problems)]
        if self.proven is not None:
            upto = (
                f"til og med række {self.proven.head_id}"
                if self.proven.head_id
                else "loggen var tom"
            )
            lines.append(
                f"Bevist intakt frem til forankringen {_when(self.proven.at)} "
                f"({self.proven.count} rækker, {upto}; {self.proven.where})."
            )
        else:
            lines.append("Ingen forankring uden for databasen bekræfter loggen endnu.")
        lines.extend(self.notes)
        return lines

    @property
    def message(self) -> str:
        return "\n".join(self.lines())


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y kl. %H:%M")


def _load_anchors(report: VerifyReport, database: str) -> list[Anchor]:
    keys = known_keys()
    anchors: list[Anchor] = []
    other_database = 0
    for where, checkpoint in anchors_read():
        if checkpoint is None or checkpoint.get("kind") != ANCHOR_KIND:
            report.problems.append(
                f"Forankringen {where} kan ikke læses (ændret eller beskadiget)."
            )
            continue
        key = keys.get(checkpoint.get("key_id", ""))
        if key is None:
            report.problems.append(
                f"Forankringen {where} er underskrevet med en nøgle, installationen ikke kender."
            )
            continue
        if not checkpoint_signature_valid(checkpoint, key):
            report.problems.append(
                f"Forankringen {where} har en ugyldig signatur (ændret eller forfalsket)."
            )
            continue
        if checkpoint.get("database") != database:
            other_database += 1
            continue
        anchors.append(
            Anchor(
                where=where,
                at=parse_datetime(checkpoint["at"]),
                head_id=checkpoint["head_id"],
                head_hash=checkpoint["head_hash"],
                count=checkpoint["count"],
                keyed_since_id=checkpoint.get("keyed_since_id"),
            )
        )
    if other_database:
        report.notes.append(
            f"{other_database} forankringer gælder en anden database og er sprunget over."
        )
    return sorted(anchors, key=lambda a: (a.head_id or 0, a.at))


def _check_chain(report: VerifyReport, anchors: list[Anchor]) -> None:
    keys = known_keys()
    pending = [a for a in anchors if a.head_id is not None]
    prev_hash = GENESIS
    seen_keyed = False
    keyed_since: int | None = None
    count = 0
    last_id = 0
    field_names = [f.attname for f in AccessLogEntry._meta.concrete_fields]
    rows = AccessLogEntry.objects.order_by("id").values_list(*field_names)
    for values in rows.iterator(chunk_size=5000):
        fields = dict(zip(field_names, values, strict=True))
        row_id = fields["id"]
        # anchors whose head lies between the previous row and this one: their row is gone
        while pending and pending[0].head_id < row_id:
            anchor = pending.pop(0)
            report.problems.append(
                f"Række {anchor.head_id} er slettet: den var den nyeste række ved "
                f"forankringen {_when(anchor.at)}."
            )
            _broken(report, anchor.head_id)
        count += 1
        last_id = row_id
        problem = None
        if fields["key_id"]:
            if not seen_keyed:
                seen_keyed, keyed_since = True, row_id
        elif seen_keyed:
            problem = (
                f"Række {row_id}: uden nøgle efter rækker med nøgle (kæden er skrevet om uden "
                f"nøglen)."
            )
        if problem is None and fields["prev_hash"] != prev_hash:
            problem = (
                f"Række {row_id}: kæden er brudt (en tidligere række er fjernet eller ændret)."
            )
        if problem is None:
            expected = expected_hash(fields, keys)
            if expected is None:
                problem = f"Række {row_id}: skrevet med en nøgle, installationen ikke kender."
            elif fields["row_hash"] != expected:
                problem = f"Række {row_id}: indholdet er ændret efter registreringen."
        if problem:
            report.problems.append(problem)
            _broken(report, row_id)
        prev_hash = fields["row_hash"]
        if pending and pending[0].head_id == row_id:
            anchor = pending.pop(0)
            if fields["row_hash"] != anchor.head_hash:
                report.problems.append(
                    f"Række {row_id} er ikke den række, der blev forankret {_when(anchor.at)}."
                )
                _broken(report, row_id)
            elif count != anchor.count:
                report.problems.append(
                    f"Der var {anchor.count} rækker til og med række {row_id} ved forankringen "
                    f"{_when(anchor.at)}; nu er der {count}."
                )
                _broken(report, row_id)
            else:
                anchor.matched = True
    for anchor in pending:  # anchored rows beyond the end of the log
        report.problems.append(
            f"De nyeste rækker er slettet: loggen slutter ved række {last_id or 'ingen'}, men "
            f"forankringen {_when(anchor.at)} så {anchor.count} rækker til og med række "
            f"{anchor.head_id}."
        )
        _broken(report, last_id + 1)
    for anchor in anchors:
        if anchor.keyed_since_id is not None and keyed_since != anchor.keyed_since_id:
            report.problems.append(
                f"Kæden med nøgle begyndte ved række {anchor.keyed_since_id} ifølge "
                f"forankringen {_when(anchor.at)}; nu ved række {keyed_since or 'ingen'}."
            )
            _broken(report, min(anchor.keyed_since_id, keyed_since or anchor.keyed_since_id))
        if anchor.head_id is None and anchor.count == 0:
            anchor.matched = True
    report.rows = count
    if keyed_since and keyed_since > 1 and count:
        report.notes.append(
            f"Rækker før række {keyed_since} er fra før kæden fik nøgle (kun SHA-256); "
            f"række {keyed_since} fortsætter deres kæde."
        )


def _broken(report: VerifyReport, row_id: int) -> None:
    if report.first_broken_id is None or row_id < report.first_broken_id:
        report.first_broken_id = row_id


def _check_guards(report: VerifyReport) -> None:
    tables = append_only_tables()
    with connection.cursor() as cursor:
        present = db_roles.existing_tables(cursor, tables)
        inventory = db_roles.trigger_inventory(cursor, present)
        for table in present:
            for trigger in (db_roles.NO_CHANGE_TRIGGER, db_roles.NO_TRUNCATE_TRIGGER):
                state = inventory[table].get(trigger)
                if state is None:
                    report.problems.append(f"Tabellen {table} mangler beskyttelsen {trigger}.")
                elif state != "O":
                    report.problems.append(
                        f"Beskyttelsen {trigger} på tabellen {table} er slået fra."
                    )
        app_role = getattr(connection, "app_role", None)
        if app_role:
            report.problems.extend(db_roles.role_audit(cursor, app_role, tables))
        else:
            report.notes.append(
                "Programmet bruger én databaserolle til alt (kun til udvikling); i drift skal "
                "MIGRATION_DATABASE_URL pege på en særskilt ejerrolle."
            )


def access_log_verify() -> VerifyReport:
    report = VerifyReport()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
    anchors = _load_anchors(report, database)
    _check_chain(report, anchors)
    matched = [a for a in anchors if a.matched]
    if report.first_broken_id is not None:
        matched = [a for a in matched if (a.head_id or 0) < report.first_broken_id]
    if matched:
        report.proven = max(matched, key=lambda a: ((a.head_id or 0), a.at))
    _check_guards(report)
    _check_list_children(report)
    return report


def _check_list_children(report: VerifyReport) -> None:
    """The children each list page named (``authz.AccessLogChild``) still match the digest
    in the page's chained access-log row (added for the gate, issue 9)."""
    from boernesag.authz.services import list_children_verify

    ok, message = list_children_verify()
    (report.notes if ok else report.problems).append(message)
