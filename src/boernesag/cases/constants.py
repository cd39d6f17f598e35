from django.db import models
from django.utils.translation import gettext_lazy as _

# Phase and EventKind belong to the event store (events.constants, events.catalogue), which
# every app may import. Re-exported here because case code names them often.
from boernesag.events.catalogue import EventKind
from boernesag.events.constants import Phase

__all__ = [
    "ConsentForm",
    "ConsentScope",
    "DocumentKind",
    "EventKind",
    "JournalKind",
    "MeetingKind",
    "Phase",
]


class JournalKind(models.TextChoices):
    NOTE = "note", _("Notat")
    PHONE_CALL = "phone_call", _("Telefonsamtale")
    CHILD_CONVERSATION = "child_conversation", _("Samtale med barnet")
    HOME_VISIT = "home_visit", _("Hjemmebesøg")
    MEETING_MINUTES = "meeting_minutes", _("Mødereferat")
    DECISION_NOTE = "decision_note", _("Notat om afgørelse")
    CONSENT_NOTE = "consent_note", _("Notat om samtykke")
    EMAIL = "email", _("E-mail")


class DocumentKind(models.TextChoices):
    LETTER_IN = "letter_in", _("Indgående brev")
    LETTER_OUT = "letter_out", _("Udgående brev")
    STATEMENT = "statement", _("Udtalelse/statusudtalelse")
    REPORT = "report", _("Underretning")
    CONSENT = "consent", _("Samtykkeerklæring")
    MEDICAL = "medical", _("Lægelig oplysning")
    SCHOOL = "school", _("Oplysninger fra skole/dagtilbud")
    OTHER = "other", _("Andet")


class DocumentAudience(models.TextChoices):
    """Who among those who may see the case may open a document. Letters that name the
    notifier are filed for the notifier's audience only (issue 9: the notifier is visible to
    intake and the responsible caseworker, not to everyone who can see the case)."""

    CASE = "case", _("Alle med adgang til sagen")
    NOTIFIER = "notifier", _("Kun modtagelsen og sagens sagsbehandler")


class MeetingKind(models.TextChoices):
    CASE_CONFERENCE = "case_conference", _("Fagmøde")
    PLAN_MEETING = "plan_meeting", _("Handleplansmøde")
    STATUS_MEETING = "status_meeting", _("Statusmøde")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogmøde")
    NETWORK_MEETING = "network_meeting", _("Netværksmøde")


class ConsentScope(models.TextChoices):
    INFO_FROM_SCHOOL = "info_from_school", _("Indhente oplysninger fra skole/dagtilbud")
    INFO_FROM_HEALTH = "info_from_health", _("Indhente oplysninger fra læge/sundhedspleje")
    INFO_FROM_OTHERS = "info_from_others", _("Indhente oplysninger fra andre")
    SHARE_PLAN = "share_plan", _("Dele handleplanen med samarbejdspartnere")
    SHARE_WITH_PROVIDER = "share_with_provider", _("Dele oplysninger med leverandør")
    PLACEMENT = "placement", _("Anbringelse uden for hjemmet (Barnets Lov § 46)")
    OTHER = "other", _("Andet (se beskrivelse)")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Mundtligt")
