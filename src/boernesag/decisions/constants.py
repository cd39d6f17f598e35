"""Codes of the decisions app. The measure kinds are the event catalogue's ``MeasureKind``
(a test keeps them equal)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    SUPPORT = "support", _("Støttende indsats (Barnets Lov § 32)")
    PLACEMENT_WITH_CONSENT = (
        "placement_with_consent",
        _("Anbringelse med samtykke (Barnets Lov § 46)"),
    )
    PLACEMENT_WITHOUT_CONSENT = (
        "placement_without_consent",
        _("Anbringelse uden samtykke (Barnets Lov § 47, børne- og ungeudvalget)"),
    )


class Outcome(models.TextChoices):
    GRANT = "grant", _("Bevilling")
    REFUSAL = "refusal", _("Afslag")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    AWAITING_APPROVAL = "awaiting_approval", _("Afventer godkendelse")
    DECIDED = "decided", _("Truffet")
    SENT = "sent", _("Sendt til parterne")


class Level(models.TextChoices):
    """Who may decide, lowest first (the authority matrix's roles)."""

    CASEWORKER = "caseworker", _("Sagsbehandler")
    TEAM_LEADER = "team_leader", _("Teamleder")
    COMMITTEE = "committee", _("Børne- og ungeudvalget")


LEVEL_ORDER = {Level.CASEWORKER: 1, Level.TEAM_LEADER: 2, Level.COMMITTEE: 3}


class TemporaryResolution(models.TextChoices):
    CONFIRMED = "confirmed", _("Bekræftet efter undersøgelsen")
    CHANGED = "changed", _("Ændret efter undersøgelsen (ny afgørelse)")
    STOPPED = "stopped", _("Stoppet efter undersøgelsen")


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("Modtaget – genvurderes")
    CHANGED = "changed", _("Afgørelsen er ændret (ny afgørelse)")
    FORWARDED = "forwarded", _("Fastholdt og sendt til Ankestyrelsen")
    RULED = "ruled", _("Ankestyrelsen har truffet afgørelse")


class Ruling(models.TextChoices):
    UPHELD = "upheld", _("Stadfæstet")
    CHANGED = "changed", _("Ændret")
    SET_ASIDE = "set_aside", _("Ophævet")
    SENT_BACK = "sent_back", _("Hjemvist til fornyet behandling")


# The family's appeal window and the municipality's reconsideration (Retssikkerhedsloven
# §§ 66–67; the rule files appeal_window.yaml and appeal_reconsideration.yaml hold the
# durations the clocks use; the letter's dates are computed from the same rule).
APPEAL_WINDOW_RULE = "appeal_window"
APPEAL_RECONSIDERATION_RULE = "appeal_reconsideration"
