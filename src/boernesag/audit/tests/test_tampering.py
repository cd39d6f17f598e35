"""Tampering with the audit trail in SQL (issue 9, "Tests that must exist").

Two kinds of attacker:
- **the application's database role** (what a flaw in the web application gives): every
  change to an append-only table is refused by the database;
- **the owner or a superuser** (who can lift the guards): what they do is detected by
  ``audit_verify`` through the keyed chain and the anchors outside the database.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from boernesag.audit.anchoring import audit_anchor
from boernesag.audit.append_only import append_only_models, append_only_tables
from boernesag.audit.chain import GENESIS, canonical, legacy_digest
from boernesag.audit.models import AccessLogEntry
from boernesag.audit.services import access_log_record, access_log_verify
from boernesag.conf import db_roles

LOG = "audit_accesslogentry"


def _rows(user, n: int) -> list[AccessLogEntry]:
    return [access_log_record(user=user, what="case_page", object_ref=str(i)) for i in range(n)]


def as_app(sql: str, params=None) -> None:
    """Run SQL as the application role, in a savepoint; raises what the database says."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def as_owner(*statements: str) -> None:
    """Run SQL as the owner role (committed; the owner can lift the guards)."""
    with connection.owner_connection() as owner, owner.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def owner_unguarded(table: str, sql: str) -> None:
    """The owner disables the guard, changes the table and puts the guard back."""
    as_owner(
        f"ALTER TABLE {table} DISABLE TRIGGER {db_roles.NO_CHANGE_TRIGGER}, "
        f"DISABLE TRIGGER {db_roles.NO_TRUNCATE_TRIGGER}",
        sql,
        f"ALTER TABLE {table} ENABLE TRIGGER {db_roles.NO_CHANGE_TRIGGER}, "
        f"ENABLE TRIGGER {db_roles.NO_TRUNCATE_TRIGGER}",
    )


def verify_fails(match: str) -> str:
    with pytest.raises(CommandError, match=match) as excinfo:
        call_command("audit_verify")
    return str(excinfo.value)


# --- the application role: refused -------------------------------------------------------


def test_the_tests_connect_as_an_application_role_that_owns_nothing(db):
    assert connection.app_role
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (connection.app_role, False)
        assert db_roles.role_audit(cursor, connection.app_role, append_only_tables()) == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accesslogentry SET what = 'x'",
        "UPDATE audit_accesslogentry SET reason = 'x' WHERE id = {middle}",
        "DELETE FROM audit_accesslogentry WHERE id = {middle}",
        "DELETE FROM audit_accesslogentry WHERE id >= {newest}",
        "TRUNCATE audit_accesslogentry",
        "TRUNCATE audit_accessgrant CASCADE",
        "ALTER TABLE audit_accesslogentry DISABLE TRIGGER boernesag_append_only",
        "ALTER TABLE audit_accesslogentry DISABLE TRIGGER ALL",
        "DROP TRIGGER boernesag_no_truncate ON audit_accesslogentry",
        "SET session_replication_role = replica",
        # a non-owner's GRANT grants nothing (PostgreSQL only warns), so the UPDATE fails
        "GRANT UPDATE ON audit_accesslogentry TO CURRENT_USER; "
        "UPDATE audit_accesslogentry SET what = 'x'",
    ],
)
def test_the_application_role_cannot_change_the_access_log(make_user, sql):
    rows = _rows(make_user("caseworker"), 4)
    before = list(AccessLogEntry.objects.order_by("id").values_list("id", "what", "row_hash"))
    sql = sql.format(middle=rows[1].pk, newest=rows[-2].pk)
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner|append-only"):
        as_app(sql)
    after = list(AccessLogEntry.objects.order_by("id").values_list("id", "what", "row_hash"))
    assert after == before
    assert access_log_verify().ok


@pytest.mark.django_db
def test_every_append_only_table_refuses_update_delete_and_truncate_to_the_app_role():
    tables = append_only_tables()
    # the audit tables and the change history of every tracked model, e.g. roles
    assert {"audit_accesslogentry", "audit_accessgrant", "audit_accessgrantreview"} <= set(tables)
    assert {
        "accounts_roleassignmenthistory",
        "accounts_teammembershiphistory",
        "accounts_unithistory",
        "accounts_municipalityhistory",
        "catalogue_providerhistory",
        "catalogue_ratehistory",
        "catalogue_contracthistory",
    } <= set(tables)
    for model in append_only_models():
        table, pk = model._meta.db_table, model._meta.pk.column
        for sql in (
            f"UPDATE {table} SET {pk} = {pk}",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER {db_roles.NO_CHANGE_TRIGGER}",
        ):
            with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
                as_app(sql)


def test_the_triggers_stop_the_owner_too_unless_lifted(transactional_db, make_user):
    """Even the owner cannot UPDATE, DELETE or TRUNCATE by mistake: the triggers refuse."""
    _rows(make_user("caseworker"), 2)
    for sql in (f"UPDATE {LOG} SET what = 'x'", f"DELETE FROM {LOG}"):
        with pytest.raises(DatabaseError, match=r"append-only: (UPDATE|DELETE)"):
            as_owner(sql)
    for table in append_only_tables():
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
            as_owner(f"TRUNCATE {table} CASCADE")
    assert AccessLogEntry.objects.count() == 2


def test_a_row_inserted_by_the_application_role_without_the_key_is_detected(make_user):
    """The app role may append; a forged row (re-hashed without the key) is found."""
    user = make_user("caseworker")
    rows = _rows(user, 3)
    forged = {
        "at": rows[-1].at,
        "user_id": user.pk,
        "child_id": None,
        "case_id": None,
        "what": "case_page",
        "object_ref": "forged",
        "reason": "",
        "grant_id": None,
        "prev_hash": rows[-1].row_hash,
        "key_id": rows[-1].key_id,
    }
    wrong_key = hashlib.sha256(b"a guess").digest()
    forged_hash = hmac.new(wrong_key, canonical(forged), hashlib.sha256).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_accesslogentry (at, user_id, what, object_ref, reason, "
            "prev_hash, row_hash, key_id) VALUES (%s, %s, 'case_page', 'forged', '', %s, %s, %s)"
            " RETURNING id",
            [forged["at"], user.pk, forged["prev_hash"], forged_hash, forged["key_id"]],
        )
        forged_id = cursor.fetchone()[0]
    message = verify_fails(f"Række {forged_id}: indholdet er ændret")
    assert "IKKE intakt" in message


# --- the owner or a superuser: detected by audit_verify -----------------------------------


@pytest.fixture
def anchored_log(transactional_db, make_user, settings, tmp_path):
    """Six rows, anchored after the third and after the sixth (committed data)."""
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    user = make_user("caseworker")
    first = _rows(user, 3)
    audit_anchor()
    second = _rows(user, 3)
    audit_anchor()
    report = access_log_verify()
    assert report.ok, report.message
    assert report.proven.head_id == second[-1].pk
    return first + second


def test_audit_verify_reports_intact_and_since_when(anchored_log):
    call_command("audit_verify")  # exit code 0
    report = access_log_verify()
    assert report.rows == 6
    assert "Adgangsloggen er intakt (6 rækker)." in report.message
    assert f"6 rækker, til og med række {anchored_log[-1].pk}" in report.message


def test_owner_changes_a_row(anchored_log):
    victim = anchored_log[4]
    owner_unguarded(LOG, f"UPDATE {LOG} SET what = 'x' WHERE id = {victim.pk}")
    message = verify_fails(f"Række {victim.pk}: indholdet er ændret")
    # the first anchor (row 3) is still proven; the second is not
    assert f"til og med række {anchored_log[2].pk}" in message


def test_owner_deletes_a_row_in_the_middle(anchored_log):
    victim = anchored_log[1]
    owner_unguarded(LOG, f"DELETE FROM {LOG} WHERE id = {victim.pk}")
    message = verify_fails(f"Række {anchored_log[2].pk}: kæden er brudt")
    assert "Ingen forankring uden for databasen bekræfter loggen endnu." in message


def test_owner_deletes_the_newest_rows(anchored_log):
    """The chain that is left is consistent; only the anchor shows the loss."""
    owner_unguarded(LOG, f"DELETE FROM {LOG} WHERE id > {anchored_log[3].pk}")
    message = verify_fails("De nyeste rækker er slettet")
    assert f"loggen slutter ved række {anchored_log[3].pk}" in message
    assert f"til og med række {anchored_log[2].pk}" in message


def test_owner_truncates_the_log(anchored_log):
    owner_unguarded(LOG, f"TRUNCATE {LOG}")
    message = verify_fails("De nyeste rækker er slettet: loggen slutter ved række ingen")
    assert "Ingen forankring uden for databasen bekræfter loggen endnu." in message


def test_owner_rehashes_the_log_without_the_key(anchored_log):
    """A rewritten log with a consistent plain SHA-256 chain: caught by the keyed hashes
    and by the anchors (head hash and the start of the keyed chain)."""
    prev = GENESIS
    statements = []
    for row in AccessLogEntry.objects.order_by("id"):
        new_hash = legacy_digest(
            prev_hash=prev,
            at=row.at,
            user_id=row.user_id,
            child_id=row.child_id,
            case_id=row.case_id,
            what="rewritten",
            object_ref=row.object_ref,
            reason=row.reason,
            grant_id=row.grant_id,
        )
        statements.append(
            f"UPDATE {LOG} SET what = 'rewritten', key_id = '', prev_hash = '{prev}', "
            f"row_hash = '{new_hash}' WHERE id = {row.pk}"
        )
        prev = new_hash
    owner_unguarded(LOG, "; ".join(statements))
    message = verify_fails(f"Række {anchored_log[2].pk} er ikke den række, der blev forankret")
    assert "Kæden med nøgle begyndte ved række" in message
    assert "Ingen forankring uden for databasen bekræfter loggen endnu." in message


def test_owner_rehashes_with_a_key_of_their_own(anchored_log):
    """Keyed with another key: the fingerprint is unknown, or the HMAC does not match."""
    owner_unguarded(
        LOG, f"UPDATE {LOG} SET key_id = 'ffffffffffffffff' WHERE id = {anchored_log[5].pk}"
    )
    verify_fails(f"Række {anchored_log[5].pk}: skrevet med en nøgle, installationen ikke kender")


def test_owner_disables_a_trigger_and_leaves_it_off(anchored_log):
    as_owner(f"ALTER TABLE {LOG} DISABLE TRIGGER {db_roles.NO_CHANGE_TRIGGER}")
    try:
        verify_fails(f"Beskyttelsen {db_roles.NO_CHANGE_TRIGGER} på tabellen {LOG} er slået fra")
    finally:
        as_owner(f"ALTER TABLE {LOG} ENABLE TRIGGER {db_roles.NO_CHANGE_TRIGGER}")


def test_owner_grants_the_app_role_update(anchored_log):
    as_owner(f"GRANT UPDATE, DELETE ON {LOG} TO {connection.app_role}")
    try:
        verify_fails(
            "kan ændre eller slette i tabeller, der kun må tilføjes til: audit_accesslogentry"
        )
    finally:
        as_owner(f"REVOKE UPDATE, DELETE ON {LOG} FROM {connection.app_role}")


def test_a_forged_or_edited_anchor_is_detected(anchored_log, settings):
    path = next(settings.AUDIT_ANCHOR_DIR.glob("anchors-*.jsonl"))
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace('"count":3', '"count":2')
    path.write_text("\n".join(lines) + "\n")
    verify_fails(f"Forankringen {path.name}:1 har en ugyldig signatur")
