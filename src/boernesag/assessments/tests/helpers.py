"""An investigation on the case of ``cases.tests.factories.build_world``, through the
services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from boernesag.assessments import services
from boernesag.assessments.constants import ActivityKind, ConsentRoute, LegalBasis
from boernesag.cases.models import Consent
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.services import person_create, relation_add


def decided(w, *, by=None, days_ago=10, **overrides):
    by = by or w.caseworker
    fields = dict(
        case=w.case,
        by=by,
        decided_on=timezone.localdate() - timedelta(days=days_ago),
        legal_basis=LegalBasis.BL_20_2,
        reasons="Skolen beskriver stort fravær og et barn, der virker trist.",
        consent_route=ConsentRoute.WITH_CONSENT,
        consents=list(Consent.objects.filter(case=w.case)),
        focus_areas="Fravær i skolen\nTrivsel hjemme",
    )
    fields.update(overrides)
    return services.assessment_decide(**fields)


def teacher(w, *, role=ProfessionalRole.SCHOOL, organisation="Demoby Skole"):
    person = person_create(
        cpr=None,
        first_name="Lise",
        last_name="Lærer",
        organisation=organisation,
        street="Skolegade 9",
        postcode="9990",
        city="Demoby",
        is_test=True,
    )
    relation_add(
        child=w.child,
        person=person,
        kind=RelationKind.PROFESSIONAL,
        professional_role=role,
        by=w.caseworker,
        case=w.case,
    )
    return person


def held(assessment, *, by, kind=ActivityKind.HOME_VISIT, days_ago=1, **extra):
    activity = services.activity_add(
        assessment=assessment,
        by=by,
        kind=kind,
        planned_on=assessment.decided_on,
        **extra,
    )
    return services.activity_record(
        activity=activity,
        by=by,
        expected_version=activity.version,
        held=True,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        summary="Hjemmet er ryddeligt; mor fortæller om morgenerne.",
        source="Hjemmebesøg, sagsbehandler",
    )


def conclusion(**overrides):
    fields = dict(
        concluded_on=timezone.localdate(),
        needs_support=True,
        support_kind="Familiebehandling",
        reasons="Fraværet hænger sammen med uro hjemme.",
        child_view="»Jeg vil gerne i skole, når mor har det godt.«",
        parents_view="Mor ønsker hjælp til morgenerne.",
    )
    fields.update(overrides)
    return fields
