"""Organisation (municipality, units, teams) and the people who log in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pghistory
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from boernesag.accounts.constants import LoginFactor, Role, ThrottleScope, UnitKind

# Reasoned access (adgang med begrundelse) is never open to these roles: finance works
# with money, administrators with the organisation; neither reads case content.
NEVER_REASONED_ACCESS = (Role.FINANCE, Role.ADMIN)


def reasoned_access_roles_default() -> list[str]:
    return [Role.CASEWORKER, Role.TEAM_LEADER, Role.INTAKE_COORDINATOR]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="MunicipalityHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Municipality(models.Model):
    """The installation's municipality. One installation serves one municipality."""

    name = models.CharField(_("navn"), max_length=200)
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        validators=[RegexValidator(r"^\d{8}$", _("CVR-nummeret skal være 8 cifre."))],
    )
    municipality_number = models.CharField(
        _("kommunenummer"),
        max_length=3,
        validators=[RegexValidator(r"^\d{3}$", _("Kommunenummeret skal være 3 cifre."))],
    )
    address = models.TextField(_("adresse"), blank=True)
    caseworkers_see_team_cases = models.BooleanField(
        _("sagsbehandlere ser teamets sager"),
        default=True,
        help_text=_(
            "Til: sagsbehandlere kan åbne alle sager i deres team (fx ved sygdom og ferie). "
            "Fra: kun egne sager; andre sager kræver en begrundelse."
        ),
    )
    logo = models.FileField(_("logo"), upload_to="municipality/", blank=True)
    reasoned_access_roles = ArrayField(
        models.CharField(max_length=30, choices=Role.choices),
        verbose_name=_("roller der kan bruge adgang med begrundelse"),
        default=reasoned_access_roles_default,
        blank=True,
        help_text=_(
            "Hvilke roller der kan give sig selv tidsbegrænset adgang til et barn uden for "
            "deres team ved at skrive en begrundelse. Økonomi og administrator kan aldrig."
        ),
    )
    second_factor_roles = ArrayField(
        models.CharField(max_length=30, choices=Role.choices),
        verbose_name=_("roller, der skal bruge to-faktor-login"),
        default=list,
        blank=True,
        help_text=_(
            "Brugere med en af disse roller skal logge ind med en kode fra en "
            "godkendelsesapp ud over adgangskoden. Gælder lokale konti (ikke SSO)."
        ),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommune")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reasoned_access_roles__overlap=list(NEVER_REASONED_ACCESS)),
                name="municipality_reasoned_access_never_finance_or_admin",
                violation_error_message=_(
                    "Økonomi og administrator kan ikke få adgang med begrundelse."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="UnitHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Unit(models.Model):
    """An organisational unit in a tree: municipality → centre/department → team."""

    kind = models.CharField(_("type"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=UnitKind.MUNICIPALITY, parent__isnull=True)
                | (~Q(kind=UnitKind.MUNICIPALITY) & Q(parent__isnull=False)),
                name="unit_root_is_municipality",
                violation_error_message=_(
                    "Kun kommunen er øverst i træet; alle andre enheder skal have en "
                    "overordnet enhed."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """`createsuperuser`: an administrator at the municipality unit."""
        user = self.create_user(email, password, **fields)
        root = Unit.objects.filter(kind=UnitKind.MUNICIPALITY).first()
        if root is None:
            root = Unit.objects.create(kind=UnitKind.MUNICIPALITY, name="Kommune", code="kommune")
        RoleAssignment.objects.create(user=user, role=Role.ADMIN, unit=root)
        return user


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Never the password hash; logins are in LoginAttempt.
    exclude=["password", "last_login"],
    model_name="UserHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class User(AbstractBaseUser):
    """A member of staff. Logs in with e-mail and password (single sign-on comes later,
    keyed on ``sso_subject``)."""

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("fornavn"), max_length=150)
    last_name = models.CharField(_("efternavn"), max_length=150)
    job_title = models.CharField(_("stilling"), max_length=150, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("oprettet"), default=timezone.now)
    may_see_protected_addresses = models.BooleanField(
        _("må se beskyttede adresser"),
        default=False,
        help_text=_("Navne- og adressebeskyttelse: kun brugere med denne ret ser adressen."),
    )
    wants_deadline_digest = models.BooleanField(
        _("morgenmail med ugens frister"),
        default=False,
        help_text=_("Hver morgen en e-mail med de frister, der forfalder i ugen."),
    )
    # Raising this number invalidates every session of the user ("log ud overalt").
    auth_epoch = models.PositiveIntegerField(_("sessionsgeneration"), default=0, editable=False)
    # Seam for single sign-on (OIDC/SAML): the identity provider's stable subject id.
    sso_subject = models.CharField(
        _("SSO-id"), max_length=255, unique=True, null=True, blank=True, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["first_name", "last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="user_email_lowercase"
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Include auth_epoch so that sessions_end_everywhere() invalidates every session.
        key_salt = "boernesag.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.auth_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The roles the user holds today (in any unit). One query, cached per request."""
        today = timezone.localdate()
        return frozenset(
            RoleAssignment.objects.active_on(today).filter(user=self).values_list("role", flat=True)
        )

    def has_role(self, *roles: str) -> bool:
        return self.is_active and any(role in self.role_codes for role in roles)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    # Django admin asks is_staff; only administrators use the admin screens, whose model
    # admins decide by role (accounts/admin.py).
    @property
    def is_staff(self) -> bool:
        return self.is_admin

    def has_perm(self, perm: str, obj: object | None = None) -> bool:
        """The permission registry (``boernesag.authz.registry``): ``rules`` permissions
        through the authentication backends. Being an administrator implies nothing here:
        the admin role has exactly the permissions its predicates give it (no case content).
        """
        from django.contrib.auth.models import _user_has_perm

        return self.is_active and _user_has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj: object | None = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_admin


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class DatedQuerySet(models.QuerySet):
    """Roles and team memberships are dated (``valid_from``–``valid_to``, both days
    included). A revocation that takes effect at once also sets ``ended_at`` (the moment),
    so that access ends then and not at midnight (boernesag.rights)."""

    def active_on(self, day: date):
        """In force on ``day`` — for today: in force now."""
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            Q(ended_at__isnull=True) | Q(ended_at__gte=_start_of(day + timedelta(days=1))),
        )

    def held_on(self, day: date):
        """In force at any moment of ``day`` (who could see a child that day): also a role
        that was granted or revoked during the day."""
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            Q(ended_at__isnull=True) | Q(ended_at__gte=_start_of(day)),
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="RoleAssignmentHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class RoleAssignment(models.Model):
    """A role held by a user in a unit (and the units below it) over a period."""

    user = models.ForeignKey(
        User, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhed"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("fra"), default=timezone.localdate)
    valid_to = models.DateField(_("til"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ophørt"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Tidspunktet, hvor en fratagelse med virkning straks trådte i kraft."),
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "valid_from"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_period_valid",
                violation_error_message=_("Slutdatoen kan ikke ligge før startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="TeamMembershipHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class TeamMembership(models.Model):
    """Membership of a team over a period (a caseworker moves team; history stays)."""

    user = models.ForeignKey(
        User, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="team_memberships"
    )
    team = models.ForeignKey(
        Unit,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind": UnitKind.TEAM},
    )
    valid_from = models.DateField(_("fra"), default=timezone.localdate)
    valid_to = models.DateField(_("til"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ophørt"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Tidspunktet, hvor en fratagelse med virkning straks trådte i kraft."),
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("teammedlemskab")
        verbose_name_plural = _("teammedlemskaber")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "valid_from"], name="team_membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="team_membership_period_valid",
                violation_error_message=_("Slutdatoen kan ikke ligge før startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.team}"


class LoginAttempt(models.Model):
    """Every login attempt, kept as a security log. The e-mail is stored as typed
    (lower-cased) so that attempts on unknown addresses are limited just the same."""

    email = models.CharField(_("e-mail"), max_length=254, db_index=True)
    attempted_at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    succeeded = models.BooleanField(_("lykkedes"))
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    factor = models.CharField(
        _("trin"), max_length=10, choices=LoginFactor.choices, default=LoginFactor.PASSWORD
    )

    class Meta:
        verbose_name = _("loginforsøg")
        verbose_name_plural = _("loginforsøg")
        ordering = ["-attempted_at"]
        indexes = [
            models.Index(fields=["ip_address", "attempted_at"], name="loginattempt_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.attempted_at:%Y-%m-%d %H:%M}"


class LoginLockout(models.Model):
    """An e-mail address (or a network address) locked after repeated failed logins, until
    ``locked_until`` or until an administrator lifts it. The record for people; the counter
    that decides is ``LoginThrottle``."""

    scope = models.CharField(
        _("omfang"), max_length=10, choices=ThrottleScope.choices, default=ThrottleScope.ACCOUNT
    )
    email = models.CharField(_("e-mail"), max_length=254, db_index=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    locked_at = models.DateTimeField(_("låst"), default=timezone.now)
    locked_until = models.DateTimeField(_("låst indtil"))
    lifted_at = models.DateTimeField(_("låst op"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User,
        verbose_name=_("låst op af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("låst konto")
        verbose_name_plural = _("låste konti")
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        return self.email or str(self.ip_address)

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and self.locked_until > timezone.now()

    @property
    def throttle_key(self) -> str:
        if self.scope == ThrottleScope.ADDRESS:
            return throttle_key(ThrottleScope.ADDRESS, str(self.ip_address))
        return throttle_key(ThrottleScope.ACCOUNT, self.email)


def throttle_key(scope: str, value: str = "") -> str:
    return f"{scope}:{value}" if value else scope


class LoginThrottle(models.Model):
    """An atomic counter of login attempts for one e-mail address, one network address or
    the whole installation (``key``), within a window. Updated only by one SQL statement
    each (``accounts.throttling``), so parallel attempts can never slip past the limit."""

    key = models.CharField(max_length=300, unique=True)
    window_started_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator app once (lost phone). Only a hash
    is stored; the user sees the codes once, when they are made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gendannelseskode")
        verbose_name_plural = _("gendannelseskoder")

    def __str__(self) -> str:
        return f"{self.user_id} {'brugt' if self.used_at else 'ubrugt'}"
