"""Codes of the measures app. A measure's kind is the event catalogue's ``MeasureKind``
(the decision kind it was granted under)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureStatus(models.TextChoices):
    ACTIVE = "active", _("I gang")
    ENDED = "ended", _("Ophørt")


class VolumeUnit(models.TextChoices):
    """How much of the service the child gets. The rate's unit says how it is priced
    (``measures.costing``)."""

    HOURS_PER_WEEK = "hours_per_week", _("timer pr. uge")
    DAYS_PER_WEEK = "days_per_week", _("døgn pr. uge")
    MODULES = "modules", _("moduler i alt")
    MONTHS = "months", _("månedlig ydelse")


class EndReason(models.TextChoices):
    GOAL_MET = "goal_met", _("Målet er nået")
    NO_LONGER_MEETS_GOAL = "no_longer_meets_goal", _("Indsatsen svarer ikke længere til målet")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtykket er trukket tilbage")
    TURNS_18 = "turns_18", _("Den unge fylder 18 år")
    OTHER = "other", _("Andet (se begrundelsen)")


class VisitTalk(models.TextChoices):
    """The talk with the child at a supervision visit (Barnets Lov § 156, stk. 5: a talk with
    the child at each visit, if possible without staff or foster parents present). Only a
    talk meets the duty; "not talked" is recorded but the supervision clock keeps running."""

    ALONE = "alone", _("Ja, alene med barnet (uden personale eller plejeforældre)")
    WITH_STAFF = "with_staff", _("Ja, men med personale eller plejeforældre til stede")
    NOT_TALKED = "not_talked", _("Nej, der blev ikke talt med barnet")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Gennemført")


class FollowUpDecision(models.TextChoices):
    """What the follow-up decides about the measure (Barnets Lov § 95)."""

    CONTINUE = "continue", _("Indsatsen fortsætter uændret")
    CHANGE = "change", _("Indsatsen skal ændres (ny afgørelse)")
    END = "end", _("Indsatsen skal ophøre")


class Score(models.IntegerChoices):
    """Goal attainment at a follow-up: a scale, always with words beside it."""

    NOT_STARTED = 1, _("1 – Ingen fremgang")
    LITTLE = 2, _("2 – Lidt fremgang")
    PARTLY = 3, _("3 – Delvist nået")
    MOSTLY = 4, _("4 – Næsten nået")
    MET = 5, _("5 – Nået")


class Attainment(models.TextChoices):
    """The final goal attainment when a measure ends."""

    MET = "met", _("Målene er nået")
    PARTLY = "partly", _("Målene er delvist nået")
    NOT_MET = "not_met", _("Målene er ikke nået")


# the first follow-up after the start (Barnets Lov § 95, stk. 2; Serviceloven § 70, stk. 2 —
# the stk. is *unverified*, may be stk. 1)
FIRST_FOLLOW_UP_MONTHS = 3
# the provider's status report is asked for one week before the status meeting
REPORT_DAYS_BEFORE = 7
FOLLOW_UP_RULE = "measure_follow_up"
SUPERVISION_RULE = "supervision_visits"
PLACEMENT_KINDS = frozenset({"placement_with_consent", "placement_without_consent"})


class ContactFrequency(models.TextChoices):
    """How often the placed child has contact (samvær) with the parents (Barnets Lov
    §§ 51–52 — *unverified* here: the municipality decides on contact and samvær)."""

    WEEKLY = "weekly", _("Hver uge")
    FORTNIGHTLY = "fortnightly", _("Hver anden uge")
    MONTHLY = "monthly", _("Hver måned")
    LESS_OFTEN = "less_often", _("Sjældnere end hver måned")
    NONE = "none", _("Ingen samvær for tiden")


class ContactForm(models.TextChoices):
    HOME = "home", _("Samvær i forældrenes hjem")
    PLACEMENT = "placement", _("Samvær på anbringelsesstedet")
    SUPERVISED = "supervised", _("Overvåget samvær")
    ACCOMPANIED = "accompanied", _("Støttet samvær (en professionel er med)")
    PHONE_VIDEO = "phone_video", _("Telefon eller video")
