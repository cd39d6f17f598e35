"""Codes of the children's investigation (børnefaglig undersøgelse)."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# Barnets Lov (lov nr. 721 af 13/06/2023) in force from 1 January 2024; investigations the
# municipality became aware of before then follow Serviceloven § 50.
BARNETS_LOV_FROM = date(2024, 1, 1)
MONTHS_TO_CONCLUDE = 4  # Barnets Lov § 20, stk. 3; Serviceloven § 50, stk. 7 (unverified)


class Law(models.TextChoices):
    BL = "BL", _("Barnets Lov")
    SEL = "SEL", _("Serviceloven")


class AssessmentStatus(models.TextChoices):
    DECIDED = "decided", _("Afgørelse truffet")
    IN_PROGRESS = "in_progress", _("I gang")
    DRAFT_SENT = "draft_sent", _("Udkast sendt til familien")
    CONCLUDED = "concluded", _("Afsluttet")


OPEN_STATUSES = (
    AssessmentStatus.DECIDED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.DRAFT_SENT,
)


class LegalBasis(models.TextChoices):
    """Why the investigation is decided. Barnets Lov § 20 checked against LBK nr. 282 af
    17/03/2025 (lovguiden.dk); Serviceloven § 50, stk. 1 not checked (unverified)."""

    BL_20_1_1 = (
        "bl_20_1_1",
        _(
            "Barnets Lov § 20, stk. 1, nr. 1: alvorlig eller kompleks sag, herunder overvejelser "
            "om anbringelse"
        ),
    )
    BL_20_1_2 = (
        "bl_20_1_2",
        _(
            "Barnets Lov § 20, stk. 1, nr. 2: barnet har været udsat for overgreb, eller der er "
            "mistanke herom"
        ),
    )
    BL_20_1_3 = (
        "bl_20_1_3",
        _(
            "Barnets Lov § 20, stk. 1, nr. 3: ophold på krisecenter afbrudt for at vende tilbage "
            "til et voldeligt miljø"
        ),
    )
    BL_20_2 = (
        "bl_20_2",
        _("Barnets Lov § 20, stk. 2: nødvendig af hensyn til barnets eller den unges støttebehov"),
    )
    SEL_50 = (
        "sel_50",
        _(
            "Serviceloven § 50, stk. 1: det må antages, at barnet trænger til særlig støtte "
            "(ikke verificeret)"
        ),
    )


BASES_BY_LAW = {
    Law.BL: [
        LegalBasis.BL_20_1_1,
        LegalBasis.BL_20_1_2,
        LegalBasis.BL_20_1_3,
        LegalBasis.BL_20_2,
    ],
    Law.SEL: [LegalBasis.SEL_50],
}


class ConsentRoute(models.TextChoices):
    """Barnets Lov § 22, stk. 2: the investigation is carried out in cooperation with the
    custody holders and the young person from 15 *as far as possible* — it is about
    cooperation, not consent. Consent matters where information is obtained from others;
    without consent the municipality records why (Barnets Lov § 22; the rules on obtaining
    information without consent are not verified here)."""

    WITH_CONSENT = "with_consent", _("Med samtykke fra forældremyndighedsindehavere (og den unge)")
    WITHOUT_CONSENT = "without_consent", _("Uden samtykke")


class ActivityKind(models.TextChoices):
    CHILD_CONVERSATION = "child_conversation", _("Samtale med barnet (Barnets Lov § 5)")
    HOME_VISIT = "home_visit", _("Hjemmebesøg")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogmøde")
    STATEMENT = "statement", _("Udtalelse")


class StatementSource(models.TextChoices):
    SCHOOL = "school", _("Skole")
    DAYCARE = "daycare", _("Dagtilbud")
    HEALTH = "health", _("Sundhedspleje")
    PPR = "ppr", _("PPR")
    DOCTOR = "doctor", _("Læge")
    OTHER = "other", _("Anden")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Gennemført")
    NOT_HELD = "not_held", _("Ikke gennemført")
