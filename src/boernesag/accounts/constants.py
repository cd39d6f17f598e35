from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md §1. A user may hold several, each for a unit."""

    CASEWORKER = "caseworker", _("Sagsbehandler")
    INTAKE_COORDINATOR = "intake_coordinator", _("Faglig koordinator (modtagelse)")
    TEAM_LEADER = "team_leader", _("Teamleder")
    MANAGER = "manager", _("Leder")
    FINANCE = "finance", _("Økonomi")
    ADMIN = "admin", _("Administrator")


class UnitKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune")
    DEPARTMENT = "department", _("Center/afdeling")
    TEAM = "team", _("Team")


class LoginFactor(models.TextChoices):
    """Which step of a login an attempt was."""

    PASSWORD = "password", _("Adgangskode")
    TOTP = "totp", _("Kode fra godkendelsesapp")
    RECOVERY = "recovery", _("Gendannelseskode")


class ThrottleScope(models.TextChoices):
    """What a login counter or lock is about."""

    ACCOUNT = "account", _("E-mailadresse")
    ADDRESS = "address", _("Netværksadresse")
    GLOBAL = "global", _("Hele installationen")
    SECOND_FACTOR = "otp", _("Kode fra godkendelsesapp")
