from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """The eight phases of DOMAIN.md §3, derived from the case's events."""

    INQUIRY = "inquiry", _("1. Henvendelse/underretning")
    TRIAGE = "triage", _("2. Afklaring")
    ASSESSMENT = "assessment", _("3. Børnefaglig undersøgelse")
    PLAN = "plan", _("4. Handleplan")
    DECISION = "decision", _("5. Afgørelse")
    START = "start", _("6. Iværksættelse")
    FOLLOW_UP = "follow_up", _("7. Opfølgning")
    CLOSURE = "closure", _("8. Afslutning")


class EventKind(models.TextChoices):
    """Every kind of case event. Later apps add kinds here (one registry, one name)."""

    CASE_OPENED = "case_opened", _("Sag oprettet")
    CASE_REASSIGNED = "case_reassigned", _("Sag omfordelt")
    CASE_CLOSED = "case_closed", _("Sag afsluttet")
    JOURNAL_WRITTEN = "journal_written", _("Journalnotat skrevet")
    JOURNAL_CORRECTED = "journal_corrected", _("Journalnotat rettet")
    JOURNAL_ADDENDUM = "journal_addendum", _("Tilføjelse til journalnotat")
    DOCUMENT_ADDED = "document_added", _("Dokument tilføjet")
    MEETING_PLANNED = "meeting_planned", _("Møde registreret")
    MEETING_HELD = "meeting_held", _("Møde afholdt")
    CONSENT_GIVEN = "consent_given", _("Samtykke givet")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtykke trukket tilbage")
    ACCESS_GRANTED = "access_granted", _("Adgang med begrundelse")
    # phases driven by later apps (intake, assessments, plans, decisions, measures)
    REPORT_RECEIVED = "report_received", _("Underretning modtaget")
    REPORT_ASSESSED = "report_assessed", _("Underretning vurderet")
    ASSESSMENT_STARTED = "assessment_started", _("Børnefaglig undersøgelse startet")
    ASSESSMENT_CONCLUDED = "assessment_concluded", _("Børnefaglig undersøgelse afsluttet")
    PLAN_MADE = "plan_made", _("Handleplan udarbejdet")
    DECISION_MADE = "decision_made", _("Afgørelse truffet")
    MEASURE_STARTED = "measure_started", _("Foranstaltning iværksat")
    FOLLOW_UP_HELD = "follow_up_held", _("Opfølgning gennemført")
    MEASURE_ENDED = "measure_ended", _("Foranstaltning ophørt")
    RECEIPT_SENT = "receipt_sent", _("Kvittering sendt til underretter")
    NOTIFIER_INFORMED = "notifier_informed", _("Underretter orienteret")
    YOUTH_PLAN_DECIDED = "youth_plan_decided", _("Stillingtagen til ungeplan")
    YOUTH_SUPPORT_DECIDED = "youth_support_decided", _("Afgørelse om efterværn/ungestøtte")
    SUPERVISION_VISIT_HELD = "supervision_visit_held", _("Tilsynsbesøg gennemført")
    POLICE_DOCUMENTATION_RECEIVED = (
        "police_documentation_received",
        _("Politiets dokumentation for ungdomskriminalitet modtaget"),
    )
    NETWORK_MEETING_HELD = "network_meeting_held", _("Netværksmøde og foreløbig plan")
    TREATMENT_REQUESTED = "treatment_requested", _("Anmodning om misbrugsbehandling")
    TREATMENT_OFFERED = "treatment_offered", _("Misbrugsbehandling tilbudt")
    ACCESS_REQUESTED = "access_requested", _("Anmodning om aktindsigt")
    ACCESS_REQUEST_DECIDED = "access_request_decided", _("Afgørelse om aktindsigt")
    DECISION_SENT = "decision_sent", _("Afgørelse sendt")
    APPEAL_RECEIVED = "appeal_received", _("Klage modtaget")
    APPEAL_RECONSIDERED = "appeal_reconsidered", _("Klage genvurderet")
    CLOCK_PAUSED = "clock_paused", _("Frist sat i bero")
    CLOCK_RESUMED = "clock_resumed", _("Frist genoptaget")


# The phase a case is in after an event of this kind. Events not listed leave it unchanged.
# Steps may repeat: the phase is that of the latest phase-bearing event.
PHASE_AFTER_EVENT: dict[str, str] = {
    EventKind.CASE_OPENED: Phase.INQUIRY,
    EventKind.REPORT_RECEIVED: Phase.INQUIRY,
    EventKind.REPORT_ASSESSED: Phase.TRIAGE,
    EventKind.ASSESSMENT_STARTED: Phase.ASSESSMENT,
    EventKind.ASSESSMENT_CONCLUDED: Phase.ASSESSMENT,
    EventKind.PLAN_MADE: Phase.PLAN,
    EventKind.DECISION_MADE: Phase.DECISION,
    EventKind.MEASURE_STARTED: Phase.START,
    EventKind.FOLLOW_UP_HELD: Phase.FOLLOW_UP,
    EventKind.MEASURE_ENDED: Phase.FOLLOW_UP,
    EventKind.CASE_CLOSED: Phase.CLOSURE,
}


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
    OTHER = "other", _("Andet (se beskrivelse)")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Mundtligt")
