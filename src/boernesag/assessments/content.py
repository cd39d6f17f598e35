"""The investigation as text: for the letters to the family and the PDF in the case's
documents. Plain text — the letter template escapes it when the HTML is made.

Sources are named (Faxe: statements retold without source). For a child with navne- og
adressebeskyttelse, a school or daycare professional's organisation is never printed
(persons.display, as if for a reader without the right to protected addresses)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from boernesag.assessments.constants import ActivityStatus, LegalBasis
from boernesag.assessments.models import Assessment
from boernesag.persons import selectors as people
from boernesag.persons.display import relation_masked, relation_organisation


def _day(value) -> str:
    return formats.date_format(value, "j.n.Y") if value else ""


def _heading(title: str) -> str:
    return f"{title}\n{'-' * min(len(title), 60)}"


def _who(activity, relations, child) -> str:
    person = activity.person
    if person is None:
        return ""
    relation = relations.get(person.pk)
    if relation is None:
        return person.full_name
    if relation_masked(relation, None, child):
        # a protected child: the teacher's or pedagogue's name next to "(skole)" is enough to
        # find the school — the role only
        return ""
    organisation = relation_organisation(relation, None, child)
    if not organisation:
        return person.full_name
    return f"{person.full_name}, {organisation}"


def assessment_text(assessment: Assessment, *, draft: bool = False) -> str:
    """The whole investigation: the decision, the plan, every activity with its source or
    why it was not held, every section, the midway status, the family's comments, the
    conclusion and any provisional assessment."""
    case = assessment.case
    child = case.child
    relations = {r.person_id: r for r in people.people_around(child)}
    blocks: list[str] = []
    title = _("UDKAST – børnefaglig undersøgelse") if draft else _("Børnefaglig undersøgelse")
    blocks.append(
        f"{title}: {child.full_name}\n"
        + _("Efter %(law)s. Kommunen blev opmærksom den %(day)s.")
        % {"law": assessment.legal_reference, "day": _day(assessment.aware_at.date())}
    )
    blocks.append(
        _heading(_("Afgørelse om undersøgelse"))
        + "\n"
        + _("Truffet den %(day)s. Lovgrundlag: %(basis)s.")
        % {
            "day": _day(assessment.decided_on),
            "basis": LegalBasis(assessment.legal_basis).label,
        }
        + "\n"
        + assessment.reasons
    )
    if assessment.focus_areas:
        blocks.append(_heading(_("Fokusområder")) + "\n" + assessment.focus_areas)
    lines = []
    for activity in assessment.activities.select_related("person").order_by("planned_on", "pk"):
        label = activity.get_kind_display()
        if activity.statement_source:
            label = f"{label} ({activity.get_statement_source_display().lower()})"
        who = _who(activity, relations, child)
        if who:
            label = f"{label} – {who}"
        if activity.status == ActivityStatus.HELD:
            source = _("Kilde: %(source)s") % {"source": activity.source} if activity.source else ""
            lines.append(
                f"• {label}, {_day(activity.held_on)}:\n{activity.summary}"
                + (f"\n{source}" if source else "")
            )
        elif activity.status == ActivityStatus.NOT_HELD:
            lines.append(
                f"• {label}: "
                + _("ikke gennemført. Hvorfor: %(why)s") % {"why": activity.not_held_reason}
            )
        else:
            lines.append(
                f"• {label}: " + _("planlagt til %(day)s") % {"day": _day(activity.planned_on)}
            )
    if lines:
        blocks.append(_heading(_("Aktiviteter og kilder")) + "\n" + "\n\n".join(lines))
    for section in assessment.sections.select_related("section").order_by("section__order", "pk"):
        blocks.append(
            _heading(section.section.title) + "\n" + (section.text or _("(ikke udfyldt)"))
        )
    if assessment.midway_at:
        holds = _("ja") if assessment.midway_focus_holds else _("nej")
        blocks.append(
            _heading(_("Midtvejsstatus"))
            + "\n"
            + _("Holder fokusområderne stadig: %(holds)s.") % {"holds": holds}
            + "\n"
            + assessment.midway_text
        )
    if assessment.family_comments:
        blocks.append(
            _heading(_("Familiens bemærkninger til udkastet")) + "\n" + assessment.family_comments
        )
    if assessment.provisional_at:
        blocks.append(
            _heading(_("Foreløbig vurdering (Barnets Lov § 20, stk. 3)"))
            + "\n"
            + assessment.provisional_text
        )
    if assessment.concluded_at and not draft:
        needs = _("Ja") if assessment.needs_support else _("Nej")
        parts = [
            _("Afsluttet den %(day)s.") % {"day": _day(assessment.concluded_on)},
            _("Har barnet behov for støtte: %(needs)s.") % {"needs": needs},
        ]
        if assessment.support_kind:
            parts.append(_("Støtte: %(kind)s") % {"kind": assessment.support_kind})
        parts.append(_("Begrundelse: %(r)s") % {"r": assessment.conclusion_reasons})
        if assessment.child_view:
            parts.append(_("Barnets syn: %(v)s") % {"v": assessment.child_view})
        else:
            parts.append(
                _("Der er ikke holdt samtale med barnet: %(v)s")
                % {"v": assessment.no_conversation_reason}
            )
        parts.append(_("Forældrenes syn: %(v)s") % {"v": assessment.parents_view})
        blocks.append(
            _heading(_("Konklusion (Barnets Lov § 22, stk. 6)")) + "\n" + "\n".join(parts)
        )
    return "\n\n".join(blocks)


def text_parts(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, split between paragraphs where
    possible (a paragraph longer than ``limit`` is split where it must)."""
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(paragraph[:limit])
            paragraph = paragraph[limit:]
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > limit:
            parts.append(current)
            current = paragraph
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
