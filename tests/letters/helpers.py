"""Shared steps for the letters tests: a concern report from a professional about two
siblings, through the real intake services."""

from __future__ import annotations

from django.utils import timezone

from boernesag.intake import services as intake
from boernesag.persons.services import person_create


def siblings():
    alma = person_create(cpr="0304154123", first_name="Alma", last_name="Berg")
    bo = person_create(cpr="1208184456", first_name="Bo", last_name="Berg")
    return alma, bo


def report(w, *, children, notifier_name="Lærer Lise Ølstrup", received_at=None, **extra):
    return intake.intake_register(
        kind="concern_report",
        channel="phone",
        received_at=received_at or timezone.now(),
        notifier_kind="school",
        notifier_name=notifier_name,
        notifier_organisation="Demoby Skole",
        notifier_address="Skolevej 2\n9990 Demoby",
        content="Børnene kommer ofte sultne i skole.",
        by=w.intake,
        children=[intake.ChildRef(c.cpr) for c in children],
        reasons=[],
        **extra,
    )


def document_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
