from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeKind(models.TextChoices):
    CONCERN_REPORT = "concern_report", _("Underretning")
    APPLICATION = "application", _("Ansøgning")
    INQUIRY = "inquiry", _("Henvendelse")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Brev")
    DIGITAL = "digital", _("Digital underretning")
    IN_PERSON = "in_person", _("Personligt fremmøde")
    OTHER_MUNICIPALITY = "other_municipality", _("Fra anden kommune")


class NotifierKind(models.TextChoices):
    SCHOOL = "school", _("Skole")
    DAYCARE = "daycare", _("Dagtilbud")
    HEALTH_VISITOR = "health_visitor", _("Sundhedsplejerske")
    DOCTOR = "doctor", _("Læge/hospital")
    POLICE = "police", _("Politi")
    OTHER_MUNICIPALITY = "other_municipality", _("Anden kommune")
    OTHER_PROFESSIONAL = "other_professional", _("Anden fagperson")
    FAMILY = "family", _("Familien selv")
    PRIVATE = "private", _("Privatperson")
    ANONYMOUS = "anonymous", _("Anonym")


# Professionals with a duty to report (skærpet underretningspligt) get receipts and feedback.
PROFESSIONAL_NOTIFIERS = {
    NotifierKind.SCHOOL,
    NotifierKind.DAYCARE,
    NotifierKind.HEALTH_VISITOR,
    NotifierKind.DOCTOR,
    NotifierKind.POLICE,
    NotifierKind.OTHER_MUNICIPALITY,
    NotifierKind.OTHER_PROFESSIONAL,
}


class ReasonCategory(models.TextChoices):
    VIOLENCE = "violence", _("Vold")
    SEXUAL_ABUSE = "sexual_abuse", _("Seksuelle overgreb")
    NEGLECT = "neglect", _("Omsorgssvigt")
    SCHOOL_ABSENCE = "school_absence", _("Skolefravær")
    PARENT_SUBSTANCE = "parent_substance", _("Forældres misbrug")
    MENTAL_HEALTH = "mental_health", _("Psykisk mistrivsel")
    CRIME = "crime", _("Kriminalitet")
    DEVELOPMENT = "development", _("Udvikling og adfærd")
    OTHER = "other", _("Andet")


# Reports about these: a conversation with the child is mandatory; the børnehus route is
# offered (Barnets Lov §§ 5, 45; the børnehus-model).
FLAGGED_REASONS = {ReasonCategory.VIOLENCE, ReasonCategory.SEXUAL_ABUSE}


class Outcome(models.TextChoices):
    NO_ACTION = "no_action", _("Ingen yderligere handling")
    ADVICE = "advice", _("Rådgivning")
    EARLY_SUPPORT = "early_support", _("Tidlig forebyggende indsats (BL § 30)")
    EXPLORATION = "exploration", _("Afdækning (BL § 19)")
    INVESTIGATION = "investigation", _("Børnefaglig undersøgelse (BL § 20)")
    ACUTE_MEASURE = "acute_measure", _("Akut foranstaltning")
    FORWARDED = "forwarded", _("Videresendt til anden kommune")


# Outcomes after which a case opened for this report alone is closed again.
CLOSING_OUTCOMES = {Outcome.NO_ACTION, Outcome.ADVICE, Outcome.FORWARDED}


class BarnehusChoice(models.TextChoices):
    CONTACTED = "contacted", _("Børnehuset er kontaktet")
    NOT_RELEVANT = "not_relevant", _("Ikke relevant (begrundet)")
