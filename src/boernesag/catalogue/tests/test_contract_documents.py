"""Contract documents are checked by the same upload checker as case documents."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from boernesag.cases.tests.archives import odt, zip_bomb


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_contract_document_goes_through_the_same_checker(media, make_user):
    from boernesag.accounts.constants import Role
    from boernesag.catalogue.models import Provider

    admin = make_user(Role.ADMIN)
    provider = Provider.objects.create(name="Familiehuset", kind="municipal")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/katalog/leverandoerer/{provider.pk}/",
        {
            "form": "contract",
            "title": "Rammeaftale 2026",
            "starts_on": date(2026, 1, 1).isoformat(),
            "notice_months": "3",
            "document": SimpleUploadedFile("aftale.odt", zip_bomb(unpacked_mb=4_000)),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "zip-bombe" in html and 'value="Rammeaftale 2026"' in html
    assert not provider.contracts.exists() and stored_files(media) == []
    response = client.post(
        f"/katalog/leverandoerer/{provider.pk}/",
        {
            "form": "contract",
            "title": "Rammeaftale 2026",
            "starts_on": date(2026, 1, 1).isoformat(),
            "notice_months": "3",
            "document": SimpleUploadedFile("aftale.odt", odt()),
        },
    )
    assert response.status_code == 302
    contract = provider.contracts.get()
    assert contract.document and contract.document.storage.exists(contract.document.name)
