"""Vocabulary of the event store: scopes, actor kinds and the phases of a case's main course.

``Phase`` lives here (not in cases) because the event catalogue declares the phase each kind
implies, and every domain app must be able to import the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CASE = "case", _("Sag")
    ORGANISATION = "organisation", _("Organisation")


class ActorKind(models.TextChoices):
    USER = "user", _("Bruger")
    SYSTEM = "system", _("Systemet")
    INTEGRATION = "integration", _("Integration")


class Phase(models.TextChoices):
    """The eight phases of DOMAIN.md §3: the main course of a case (docs/phases.md)."""

    INQUIRY = "inquiry", _("1. Henvendelse/underretning")
    TRIAGE = "triage", _("2. Afklaring")
    ASSESSMENT = "assessment", _("3. Børnefaglig undersøgelse")
    PLAN = "plan", _("4. Handleplan")
    DECISION = "decision", _("5. Afgørelse")
    START = "start", _("6. Iværksættelse")
    FOLLOW_UP = "follow_up", _("7. Opfølgning")
    CLOSURE = "closure", _("8. Afslutning")


PHASE_ORDER = {phase: index for index, phase in enumerate(Phase.values, start=1)}
