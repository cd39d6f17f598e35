"""Forms of the network map and the genogram: one row of selects per person (the accessible
way to place people; the drawing's mouse and keyboard editing fills in the same selects)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.lib.forms import DkfdsFormMixin
from boernesag.persons.constants import (
    MAP_NOTE_MAX,
    Lineage,
    MapDistance,
    MapQuality,
    MapSector,
    ParentsRelationship,
)
from boernesag.persons.services import PlacementInput

SECTOR_ERRORS = {
    "required": _("Vælg en sektor."),
    "invalid_choice": _("Vælg en af kortets sektorer."),
}
DISTANCE_ERRORS = {
    "required": _("Vælg en cirkel."),
    "invalid_choice": _("Vælg en af kortets tre cirkler."),
}


class _PeopleForm(DkfdsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, entries, **kwargs):
        self.entries = list(entries)
        super().__init__(*args, **kwargs)

    def rows(self):
        """(entry, {name: bound field}) per person, for the table."""
        result = []
        for entry in self.entries:
            bound = {
                name: self[f"{name}_{entry.pk}"]
                for name in self.FIELDS
                if f"{name}_{entry.pk}" in self.fields
            }
            result.append((entry, bound))
        return result

    def placements(self) -> list[PlacementInput]:
        data = self.cleaned_data
        result = []
        for entry in self.entries:
            values = {
                name: data[f"{name}_{entry.pk}"]
                for name in self.FIELDS
                if f"{name}_{entry.pk}" in self.fields
            }
            if "distance" in values:
                values["distance"] = int(values["distance"])
            result.append(PlacementInput(relation_id=entry.pk, **values))
        return result


class NetworkMapForm(_PeopleForm):
    """Sector, circle, what the contact is like and a short note for each person."""

    FIELDS = ("sector", "distance", "quality", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for entry in self.entries:
            name = entry.person.full_name
            self.fields[f"sector_{entry.pk}"] = forms.ChoiceField(
                label=_("Sektor for %(name)s") % {"name": name},
                choices=MapSector.choices,
                initial=entry.sector,
                error_messages=SECTOR_ERRORS,
            )
            self.fields[f"distance_{entry.pk}"] = forms.TypedChoiceField(
                label=_("Afstand for %(name)s") % {"name": name},
                choices=MapDistance.choices,
                coerce=int,
                initial=entry.distance,
                error_messages=DISTANCE_ERRORS,
            )
            self.fields[f"quality_{entry.pk}"] = forms.ChoiceField(
                label=_("Kontakten med %(name)s") % {"name": name},
                choices=[("", _("Ikke angivet")), *MapQuality.choices],
                required=False,
                initial=entry.quality,
                error_messages={"invalid_choice": _("Vælg, hvordan kontakten er.")},
            )
            self.fields[f"note_{entry.pk}"] = forms.CharField(
                label=_("Note om %(name)s") % {"name": name},
                required=False,
                max_length=MAP_NOTE_MAX,
                initial=entry.note,
            )
        self.setup_fields()


class GenogramForm(_PeopleForm):
    """The parents' relationship, and the side of each grandparent and half-sibling."""

    FIELDS = ("lineage",)

    parents_relationship = forms.ChoiceField(
        label=_("Forældrenes forhold"),
        choices=[("", _("Ikke oplyst")), *ParentsRelationship.choices],
        required=False,
        help_text=_(
            "Tegnes på linjen mellem forældrene: én skråstreg for separeret, to for skilt."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = [e for e in self.entries if e.takes_lineage]
        for entry in self.entries:
            self.fields[f"lineage_{entry.pk}"] = forms.ChoiceField(
                label=_("Slægtsside for %(name)s") % {"name": entry.person.full_name},
                choices=[("", _("Ikke oplyst")), *Lineage.choices],
                required=False,
                initial=entry.lineage,
                error_messages={"invalid_choice": _("Vælg mors eller fars side.")},
            )
        self.setup_fields()
