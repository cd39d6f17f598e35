"""The orphan sweep removes only old files no row refers to, only where uploads go."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from boernesag.cases import services
from boernesag.cases.tests.factories import build_world, pdf_upload
from boernesag.lib.media import media_sweep, upload_dirs


def aged(path: Path, hours: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("%PDF-1.4 personfølsomt".encode())
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SWEEP_GRACE_HOURS = 24
    return Path(settings.MEDIA_ROOT)


def test_the_sweep_looks_only_where_file_fields_upload():
    assert upload_dirs() == ["cases", "contracts", "municipality"]


@pytest.mark.django_db
def test_orphans_older_than_the_grace_period_are_removed_and_nothing_else(media):
    w = build_world()
    kept = services.document_add(
        case=w.case,
        uploaded_by=w.caseworker,
        file=pdf_upload(),
        title="Skoleudtalelse 2",
        kind="school",
        document_date=timezone.localdate(),
    )
    aged(Path(kept.file.path), hours=100)  # old, but its row exists
    old_orphan = aged(media / "cases" / str(w.case.pk) / "abc123", hours=30)
    young_orphan = aged(media / "cases" / str(w.case.pk) / "def456", hours=2)
    elsewhere = aged(media / "audit" / "checkpoint.json", hours=100)  # not an upload dir

    out = StringIO()
    call_command("media_sweep", "--dry-run", stdout=out)
    assert "1 filer uden databaserække ville blive fjernet" in out.getvalue()
    assert old_orphan.exists()

    call_command("media_sweep", stdout=out)
    assert not old_orphan.exists()
    assert young_orphan.exists() and elsewhere.exists() and Path(kept.file.path).exists()
    assert all(d.file.storage.exists(d.file.name) for d in w.case.documents.all())
    assert media_sweep().removed == 0  # idempotent
