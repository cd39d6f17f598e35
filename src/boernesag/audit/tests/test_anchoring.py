"""The keyed chain's key, legacy rows, key rotation, anchors and the daily job."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from boernesag.accounts.models import LoginAttempt
from boernesag.audit.anchoring import FileSink, LoggingSink, audit_anchor
from boernesag.audit.chain import GENESIS, legacy_digest
from boernesag.audit.models import AccessLogEntry, DailyRun
from boernesag.audit.scheduling import audit_daily_if_due
from boernesag.audit.services import access_log_record, access_log_verify
from boernesag.conf.secrets import audit_key_load

CPH = ZoneInfo("Europe/Copenhagen")


def test_development_generates_one_key_per_installation(tmp_path):
    path = tmp_path / "audit" / "hmac.key"
    first = audit_key_load(value="", path="", default_path=path, production=False)
    second = audit_key_load(value="", path="", default_path=path, production=False)
    assert first == second
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_key_never_reaches_the_database(make_user, settings):
    entry = access_log_record(user=make_user("caseworker"), what="case_page")
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(a)::text FROM audit_accesslogentry a")
        stored = cursor.fetchone()[0]
    assert settings.AUDIT_HMAC_KEY.decode() not in stored
    assert entry.key_id in stored and len(entry.key_id) == 16


def test_rows_from_before_the_keyed_chain_verify_and_the_boundary_is_kept(make_user):
    """Legacy rows (plain SHA-256, empty key_id) stay as they are; the first keyed row
    continues their chain."""
    user = make_user("caseworker")
    prev = GENESIS
    with connection.cursor() as cursor:
        for i in range(3):
            at = timezone.now()
            digest = legacy_digest(
                prev_hash=prev,
                at=at,
                user_id=user.pk,
                child_id=None,
                case_id=None,
                what="case_page",
                object_ref=str(i),
                reason="",
                grant_id=None,
            )
            cursor.execute(
                "INSERT INTO audit_accesslogentry (at, user_id, what, object_ref, reason, "
                "prev_hash, row_hash, key_id) VALUES (%s, %s, 'case_page', %s, '', %s, %s, '')",
                [at, user.pk, str(i), prev, digest],
            )
            prev = digest
    keyed = access_log_record(user=user, what="case_page")
    assert keyed.prev_hash == prev
    report = access_log_verify()
    assert report.ok, report.message
    assert report.rows == 4
    assert f"Rækker før række {keyed.pk} er fra før kæden fik nøgle" in report.message


def test_a_rotated_key_still_verifies_old_rows(make_user, settings):
    user = make_user("caseworker")
    access_log_record(user=user, what="case_page")
    old = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = b"5e0c2d9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"
    access_log_record(user=user, what="case_page")
    assert not access_log_verify().ok  # the old key is unknown now
    settings.AUDIT_HMAC_PREVIOUS_KEYS = [old]
    report = access_log_verify()
    assert report.ok, report.message
    assert len(set(AccessLogEntry.objects.values_list("key_id", flat=True))) == 2


def test_the_anchor_file_is_one_signed_line_per_checkpoint(make_user, settings, capsys):
    user = make_user("caseworker")
    rows = [access_log_record(user=user, what="case_page") for _ in range(2)]
    call_command("audit_anchor")
    assert "2 rækker, nyeste række" in capsys.readouterr().out
    access_log_record(user=user, what="case_page")
    audit_anchor()
    files = list(settings.AUDIT_ANCHOR_DIR.glob("anchors-*.jsonl"))
    assert [f.name for f in files] == [f"anchors-{timezone.localdate().isoformat()}.jsonl"]
    lines = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert [(c["head_id"], c["count"]) for c in lines] == [(rows[-1].pk, 2), (rows[-1].pk + 1, 3)]
    assert all(len(c["sig"]) == 64 and c["keyed_since_id"] == rows[0].pk for c in lines)
    assert "hmac" not in json.dumps(lines).lower()


def test_the_logging_sink_writes_the_checkpoint_as_one_line(make_user, settings, caplog):
    settings.AUDIT_ANCHOR_SINKS = [
        "boernesag.audit.anchoring.FileSink",
        "boernesag.audit.anchoring.LoggingSink",
    ]
    access_log_record(user=make_user("caseworker"), what="case_page")
    with caplog.at_level("INFO", logger=LoggingSink.logger.name):
        checkpoint, places = audit_anchor()
    assert places[1] == "log:boernesag.audit.anchor"
    assert json.loads(caplog.records[-1].getMessage())["sig"] == checkpoint["sig"]
    assert len(FileSink().read()) == 1


@pytest.mark.django_db
def test_the_daily_job_anchors_and_prunes_once_a_day(settings):
    settings.AUDIT_DAILY_AT = "00:15"
    old = LoginAttempt.objects.create(email="a@b.dk", succeeded=False)
    LoginAttempt.objects.filter(pk=old.pk).update(attempted_at=timezone.now() - timedelta(days=400))
    early = datetime(2026, 11, 24, 0, 10, tzinfo=CPH)
    assert audit_daily_if_due(now=early) is False
    due = datetime(2026, 11, 24, 0, 20, tzinfo=CPH)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert audit_daily_if_due(now=due) is True
    assert audit_daily_if_due(now=due + timedelta(hours=5)) is False
    assert DailyRun.objects.get().day.isoformat() == "2026-11-24"
    assert not LoginAttempt.objects.exists()
    assert len(FileSink().read()) == 1
