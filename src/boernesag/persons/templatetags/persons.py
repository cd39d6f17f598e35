"""``{% load persons %}``: a person's protected details as the current user may see them,
e.g. ``{{ child|institution_for:user }}`` (see persons/display.py)."""

from django import template

from boernesag.persons.display import (
    person_address,
    person_institution,
    person_school_district,
    relation_address,
    relation_contact,
    relation_organisation,
)

register = template.Library()


@register.filter
def address_for(person, user) -> str:
    return person_address(person, user)


@register.filter
def institution_for(person, user) -> str:
    return person_institution(person, user)


@register.filter
def school_district_for(person, user) -> str:
    return person_school_district(person, user)


@register.filter
def organisation_for(relation, user) -> str:
    return relation_organisation(relation, user)


@register.filter
def relation_address_for(relation, user) -> str:
    return relation_address(relation, user)


@register.filter
def contact_for(relation, user) -> str:
    return relation_contact(relation, user)


@register.filter
def period(obj) -> str:
    """``valid_from``–``valid_to`` in Danish: "fra 1. aug. 2025", "til …", "… – …" or "–"."""
    from django.utils.translation import gettext as _

    from boernesag.lib.templatetags.danish import dato_format

    def day(value):
        return dato_format(value)

    start, end = getattr(obj, "valid_from", None), getattr(obj, "valid_to", None)
    if start and end:
        return f"{day(start)} – {day(end)}"
    if start:
        return _("fra %(day)s") % {"day": day(start)}
    if end:
        return _("til %(day)s") % {"day": day(end)}
    return "–"
