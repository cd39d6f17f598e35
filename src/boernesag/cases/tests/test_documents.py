"""Uploads: content checks with bounded decompression (zip bombs), the size limit that keeps
the rest of the form, and no file left behind by a refused or rolled-back upload."""

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from boernesag.cases import services
from boernesag.cases.documents import ZipLimits, check_upload, inspect_zip
from boernesag.cases.tests.archives import ODT, odt, zip_bomb
from boernesag.cases.tests.factories import PDF, build_world, pdf_upload

MB = 1_000_000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def w(db, media):
    return build_world()


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def checked_with_peak(data: bytes, name: str = "rapport.odt"):
    """check_upload on ``data``; returns (exception or content type, peak MB allocated)."""
    upload = SimpleUploadedFile(name, data)
    tracemalloc.start()
    try:
        try:
            result = check_upload(upload, max_bytes=25 * MB)
        except Exception as exc:
            result = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def test_a_real_opendocument_text_is_accepted():
    assert check_upload(SimpleUploadedFile("notat.odt", odt()), max_bytes=25 * MB) == ODT


def test_the_bomb_helper_builds_a_valid_archive():
    """The test bombs are real archives: a small one unpacks to exactly what it says."""
    data = zip_bomb(unpacked_mb=3)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.getinfo("content.xml").file_size == 3 * MB
        assert archive.read("mimetype") == ODT.encode()


def test_a_zip_bomb_is_refused_from_its_directory_in_little_memory():
    bomb = zip_bomb(unpacked_mb=4_000)  # a 4 MB file that unpacks to 4 GB
    assert len(bomb) < 6 * MB
    result, peak = checked_with_peak(bomb)
    assert "zip-bombe" in str(result)
    assert peak < 20  # MB: the archive is never unpacked, nor read into memory whole


def test_a_bomb_whose_directory_lies_stops_at_the_declared_size():
    # The directory says 1 MB; the data would unpack to 1 GB. Reading stops at 1 MB and the
    # checksum fails: refused as damaged, in bounded memory.
    bomb = zip_bomb(unpacked_mb=1_000, declared_mb=1)
    result, peak = checked_with_peak(bomb)
    assert "beskadiget" in str(result)
    assert peak < 20


def test_an_archive_within_the_size_bounds_but_compressed_like_a_bomb_is_refused():
    # 60 MB of zeros compresses ~1000 times: under the size bounds, over the ratio bound.
    result, peak = checked_with_peak(odt(b"\0" * 60 * MB))
    assert "zip-bombe" in str(result)
    assert peak < 80  # the test's own 60 MB string is not counted twice


def test_each_bound_refuses_on_its_own():
    rows = "".join(f"<row r='{i}'><c>{i * 7919 % 100_003}</c></row>" for i in range(120_000))
    data = odt(rows.encode())  # 4 MB of spreadsheet-like XML: compresses, but not like a bomb
    assert 3 * MB < len(rows) < 5 * MB
    assert inspect_zip(io.BytesIO(data)) == "odt"
    with pytest.raises(ValueError, match="zip-bombe"):
        inspect_zip(io.BytesIO(data), ZipLimits(max_member_bytes=1 * MB))
    with pytest.raises(ValueError, match="zip-bombe"):
        inspect_zip(io.BytesIO(data), ZipLimits(max_total_bytes=2 * MB))
    with pytest.raises(ValueError, match="zip-bombe"):
        inspect_zip(io.BytesIO(data), ZipLimits(max_members=2))
    with pytest.raises(ValueError, match="zip-bombe"):
        inspect_zip(io.BytesIO(data), ZipLimits(max_ratio=2, ratio_applies_from=1))


def test_a_bomb_uploaded_on_a_case_is_refused_with_the_form_kept_and_no_file_left(w, media):
    before = stored_files(media)
    client = Client()
    client.force_login(w.caseworker)
    response = client.post(
        f"/sager/{w.case.pk}/dokumenter/",
        {
            "file": SimpleUploadedFile("statusrapport.odt", zip_bomb(unpacked_mb=4_000)),
            "title": "Statusrapport fra skolen",
            "kind": "statement",
            "document_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "zip-bombe" in html
    assert 'value="Statusrapport fra skolen"' in html
    assert w.case.documents.count() == 1
    assert stored_files(media) == before


def test_a_file_over_the_limit_is_not_stored_and_the_form_keeps_the_text(w, media, settings):
    settings.DOCUMENT_MAX_BYTES = 50_000
    client = Client()
    client.force_login(w.caseworker)
    response = client.post(
        f"/sager/{w.case.pk}/dokumenter/",
        {
            "file": pdf_upload(content=PDF + b"x" * 200_000),
            "title": "Lang udtalelse",
            "kind": "statement",
            "document_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filen er for stor (0.2 MB)" in html
    assert 'value="Lang udtalelse"' in html
    assert w.case.documents.count() == 1


def test_a_rolled_back_upload_leaves_an_orphan_that_the_sweep_removes(w, media):
    from datetime import timedelta

    from boernesag.lib.media import media_sweep

    before = set(stored_files(media))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_add(
            case=w.case,
            uploaded_by=w.caseworker,
            file=pdf_upload(),
            title="Bliver rullet tilbage",
            kind="other",
            document_date=timezone.localdate(),
        )
        raise RuntimeError("a later step fails")
    orphans = set(stored_files(media)) - before
    assert len(orphans) == 1
    assert media_sweep(grace=timedelta(hours=1)).removed == 0  # younger than the grace period
    assert media_sweep(grace=timedelta(0)).removed == 1
    assert set(stored_files(media)) == before
    assert all(d.file.storage.exists(d.file.name) for d in w.case.documents.all())
