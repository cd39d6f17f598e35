"""The service catalogue (indsatsvifte), described by the template in seed 000."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    RangeOperators,
)
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ProviderKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Kommunal")
    REGIONAL = "regional", _("Regional")
    PRIVATE = "private", _("Privat")
    VOLUNTARY = "voluntary", _("Frivillig")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SUBMITTED = "submitted", _("Indstillet til godkendelse")
    APPROVED = "approved", _("Godkendt")
    PUBLISHED = "published", _("Offentliggjort")
    SUPERSEDED = "superseded", _("Erstattet af nyere version")


class RateUnit(models.TextChoices):
    HOUR = "hour", _("time")
    DAY = "day", _("døgn")
    MONTH = "month", _("måned")
    MODULE = "module", _("modul")


class RevisionDecision(models.TextChoices):
    CONTINUE = "continue", _("Fortsætter uændret")
    ADJUST = "adjust", _("Justeres")
    CLOSE = "close", _("Lukkes")


class TargetGroup(models.Model):
    """A controlled list the municipality can extend."""

    name = models.CharField(_("målgruppe"), max_length=120, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalSection(models.Model):
    law = models.CharField(
        _("lov"), max_length=10, choices=[("BL", "Barnets Lov"), ("SEL", "Serviceloven")]
    )
    paragraph = models.CharField(_("paragraf"), max_length=20, help_text=_("Fx § 32"))
    stk = models.CharField(_("stk."), max_length=10, blank=True)
    nr = models.CharField(_("nr."), max_length=10, blank=True)
    title = models.CharField(_("titel"), max_length=200)
    kle = models.CharField(_("KLE-nummer"), max_length=20, blank=True)
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til"), null=True, blank=True)

    class Meta:
        verbose_name = _("lovhjemmel")
        verbose_name_plural = _("lovhjemler")
        ordering = ["law", "paragraph", "stk", "nr"]

    def __str__(self) -> str:
        parts = [self.get_law_display(), self.paragraph]
        if self.stk:
            parts.append(f"stk. {self.stk}")
        if self.nr:
            parts.append(f"nr. {self.nr}")
        return f"{' '.join(parts)} – {self.title}"


class Service(models.Model):
    """A service's stable identity; its description lives in versions."""

    key = models.SlugField(_("nøgle"), max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(_("lukket"), null=True, blank=True)

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")

    def __str__(self) -> str:
        current = self.current_version
        return current.name if current else self.key

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def current_version(self):
        """The version in force: the latest approved or published one."""
        return (
            self.versions.filter(status__in=[VersionStatus.APPROVED, VersionStatus.PUBLISHED])
            .order_by("-number")
            .first()
        )

    @property
    def next_revision(self):
        current = self.current_version
        if current is None or current.approved_on is None:
            return None
        last = self.revisions.order_by("-decided_on").values_list("decided_on", flat=True).first()
        base = max(filter(None, [last, current.approved_on]))
        from boernesag.deadlines.calendar import add_months

        return add_months(base, current.revision_interval_months)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="ServiceVersionHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class ServiceVersion(models.Model):
    """One version of a service description, in exactly the fields of seed 000's template."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("navn"), max_length=200)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("målgrupper"), blank=True, related_name="versions"
    )
    target_description = models.TextField(_("målgruppens ressourcer og problemer"), blank=True)
    age_min = models.PositiveSmallIntegerField(_("alder fra"), default=0)
    age_max = models.PositiveSmallIntegerField(_("alder til"), default=22)
    districts = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("distrikter"),
        default=list,
        blank=True,
        help_text=_("Tom: hele kommunen. Ellers fx Nord, Syd, Vest."),
    )
    purpose = models.TextField(_("formål (forventede virkninger)"))
    content = models.TextField(
        _("faglig indhold og sammenhæng"),
        blank=True,
        help_text=_(
            "Individuel tilpasning, progression, plads i indsatsviften, tværsektorielt samarbejde."
        ),
    )
    legal_sections = models.ManyToManyField(
        LegalSection, verbose_name=_("lovgrundlag"), blank=True, related_name="versions"
    )
    visiteret = models.BooleanField(_("visiteret indsats"), default=True)
    provider_kinds = ArrayField(
        models.CharField(max_length=20, choices=ProviderKind.choices),
        verbose_name=_("leverandørtyper"),
        default=list,
        blank=True,
    )
    min_hours = models.PositiveIntegerField(_("timer pr. uge, mindst"), null=True, blank=True)
    max_hours = models.PositiveIntegerField(_("timer pr. uge, højst"), null=True, blank=True)
    min_weeks = models.PositiveIntegerField(_("varighed i uger, mindst"), null=True, blank=True)
    max_weeks = models.PositiveIntegerField(_("varighed i uger, højst"), null=True, blank=True)
    frequency = models.CharField(_("hyppighed"), max_length=200, blank=True)
    modules = models.TextField(_("moduler"), blank=True)
    follow_up = models.TextField(_("myndighedens opfølgning"), blank=True)
    provider_documentation = models.TextField(
        _("leverandørens dokumentation og rapportering"), blank=True
    )
    evaluation = models.TextField(_("evaluering af indsatsen"), blank=True)
    revision_interval_months = models.PositiveSmallIntegerField(
        _("revisionsinterval (måneder)"), default=12
    )
    partner_requirements = models.TextField(
        _("krav til samarbejdspartnere (skole, dagtilbud, PPR)"), blank=True
    )
    provider_requirements = models.TextField(
        _("kvalitets- og kompetencekrav til leverandøren"), blank=True
    )
    price_note = models.TextField(
        _("pris"),
        blank=True,
        help_text=_("Kommunens beregnede takst eller Tilbudsportalens takst."),
    )
    show_price_publicly = models.BooleanField(_("vis pris for borgere"), default=False)
    internal_notes = models.TextField(_("interne bemærkninger"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_on = models.DateField(_("godkendt"), null=True, blank=True)
    approved_by_body = models.CharField(
        _("godkendt af (udvalg/ledelse)"), max_length=200, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version_lock = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("version af indsatsbeskrivelse")
        verbose_name_plural = _("versioner af indsatsbeskrivelser")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_unique"),
            models.CheckConstraint(
                condition=Q(min_hours__isnull=True)
                | Q(max_hours__isnull=True)
                | Q(max_hours__gte=models.F("min_hours")),
                name="service_hours_range",
                violation_error_message=_(
                    "Det højeste antal timer kan ikke være mindre end det mindste."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_weeks__isnull=True)
                | Q(max_weeks__isnull=True)
                | Q(max_weeks__gte=models.F("min_weeks")),
                name="service_weeks_range",
                violation_error_message=_(
                    "Den længste varighed kan ikke være kortere end den korteste."
                ),
            ),
            models.CheckConstraint(
                condition=Q(age_max__gte=models.F("age_min")), name="service_age_range"
            ),
            models.UniqueConstraint(
                fields=["service"], condition=Q(status="draft"), name="service_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ProviderHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Provider(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=ProviderKind.choices)
    address = models.TextField(_("adresse"), blank=True)
    contact = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    tilbudsportalen_id = models.CharField(_("Tilbudsportalen-id"), max_length=40, blank=True)
    approval_status = models.CharField(
        _("godkendelse"),
        max_length=30,
        blank=True,
        help_text=_("Fx godkendt af Socialtilsyn Syd 2025."),
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("leverer"), blank=True, related_name="providers"
    )

    class Meta:
        verbose_name = _("leverandør")
        verbose_name_plural = _("leverandører")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DateRangeInclusive(Func):
    function = "DATERANGE"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = DateRangeField()


class PointRange(Func):
    """``int8range(x, x, '[]')``: equality as range overlap, which GiST indexes without the
    btree_gist extension (not available in every PostgreSQL build)."""

    function = "INT8RANGE"
    template = "%(function)s(%(expressions)s, %(expressions)s, '[]')"
    output_field = BigIntegerRangeField()


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="RateHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Rate(models.Model):
    """Price per unit over a period; periods for one provider and service never overlap."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="rates")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="rates")
    unit = models.CharField(_("enhed"), max_length=10, choices=RateUnit.choices)
    price = models.DecimalField(_("pris (kr.)"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("takst")
        verbose_name_plural = _("takster")
        ordering = ["provider", "service", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rate_period_valid",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="rate_price_positive"),
            ExclusionConstraint(
                name="rate_no_overlap",
                expressions=[
                    (PointRange("provider"), RangeOperators.OVERLAPS),
                    (PointRange("service"), RangeOperators.OVERLAPS),
                    (DateRangeInclusive("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price} kr./{self.get_unit_display()}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="ContractHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Contract(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    services = models.ManyToManyField(Service, related_name="contracts", blank=True)
    title = models.CharField(_("titel"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    terms = models.TextField(_("vilkår"), blank=True)
    notice_months = models.PositiveSmallIntegerField(_("opsigelsesvarsel (måneder)"), default=3)
    document = models.FileField(_("kontraktdokument"), upload_to="contracts/", blank=True)

    class Meta:
        verbose_name = _("kontrakt")
        verbose_name_plural = _("kontrakter")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contract_period_valid",
                violation_error_message=_("Kontrakten kan ikke slutte, før den starter."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """The periodic revision of a service (seed 000): continue, adjust or close."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="revisions")
    decided_on = models.DateField(_("besluttet"))
    decision = models.CharField(_("beslutning"), max_length=20, choices=RevisionDecision.choices)
    reasons = models.TextField(_("begrundelse"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisioner")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_on}"


class PublicCataloguePdf(models.Model):
    """The public service level as PDF, rendered once per content (see
    ``catalogue/public_pdf.py``). ``fingerprint`` is a hash of the HTML the PDF is made from,
    so anything that changes the printed catalogue (a publication, a closed service, a
    renamed target group or municipality) gives a new PDF; the previous one is kept until a
    newer one is stored, so visitors are served while it renders."""

    fingerprint = models.CharField(max_length=64, unique=True)
    pdf = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("offentlig PDF af serviceniveauet")
        verbose_name_plural = _("offentlige PDF'er af serviceniveauet")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.fingerprint[:12]}"
