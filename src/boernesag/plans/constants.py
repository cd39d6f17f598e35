"""Codes of the plans app (Danish labels for people, English values for code)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# Barnets Lov applies to plans made from 1 January 2024; before that, Serviceloven § 140
# (handleplan). The UI says "handleplan" only for Serviceloven-era plans (GLOSSARY).
BARNETS_LOV_FROM = date(2024, 1, 1)
# Barnets Lov § 108, stk. 1: the municipality takes a position on a youth plan when the young
# person turns 16 (checked on lovguiden.dk, LBK nr. 282 af 17/03/2025).
YOUTH_PLAN_AGE = 16


class PlanKind(models.TextChoices):
    CHILD = "child", _("Barnets plan")
    YOUTH = "youth", _("Ungeplan")
    ACTION = "action", _("Handleplan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    MADE = "made", _("Udarbejdet")


class GoalArea(models.TextChoices):
    """The areas of the child's life a goal concerns (the sections of the children's
    investigation, Barnets Lov § 20, stk. 2 / ICS)."""

    DEVELOPMENT = "development", _("Udvikling og adfærd")
    FAMILY = "family", _("Familieforhold")
    SCHOOL = "school", _("Skole og dagtilbud")
    HEALTH = "health", _("Sundhed")
    LEISURE = "leisure", _("Fritid og venskaber")
    ADULT_LIFE = "adult_life", _("Uddannelse, beskæftigelse og voksenliv")
    OTHER = "other", _("Andet")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Aktivt")
    ACHIEVED = "achieved", _("Nået")
    DROPPED = "dropped", _("Udgået")


class Responsible(models.TextChoices):
    """Who does what in the plan (Varde: the plan meeting ends in an agreement on roles and
    responsibilities)."""

    CHILD = "child", _("Barnet/den unge")
    FAMILY = "family", _("Familien")
    NETWORK = "network", _("Netværket")
    PROFESSIONAL = "professional", _("Fagperson")
    PROVIDER = "provider", _("Leverandør")
    CASEWORKER = "caseworker", _("Sagsbehandleren")
