"""Reads of cases and children, always through the need-to-know gate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.cases.access import case_visibility_q, scope_for
from boernesag.cases.constants import DocumentAudience
from boernesag.cases.models import Case, CaseEvent, Document, JournalEntry
from boernesag.persons.cpr import CprError, looks_like_cpr, parse_cpr
from boernesag.persons.models import Person, Relation

TIMELINE_PAGE = 25


def children_visible_to(user):
    visible_case = Case.objects.filter(case_visibility_q(user), child=OuterRef("pk"))
    granted = scope_for(user).granted_child_ids
    return Person.objects.filter(Q(Exists(visible_case)) | Q(pk__in=granted))


@dataclass
class ChildSearchResult:
    children: list[Person]
    hidden_match: Person | None = None  # exact CPR match the user may not see
    cpr_error: str = ""
    query_error: str = ""  # nothing searchable was typed (only punctuation)
    reasoned_access_url: str = ""  # set by the view when the user may use reasoned access


_WORD = re.compile(r"\w+", re.UNICODE)


def name_tsquery(text: str) -> str:
    """A prefix tsquery that matches every word typed, built only from word characters:
    whatever the user typed (brackets, ``!``, ``<``, quotes, tsquery operators) is text,
    never query syntax. Numbers typed next to a name are ignored. Empty when nothing
    searchable was typed."""
    words = _WORD.findall(text or "")
    # a number next to a name ("Sara (8)") is an age or a note, not part of the name
    named = [w for w in words if not w.isdigit()]
    words = (named or words)[:10]
    return " & ".join(f"'{w.lower()}':*" for w in words)


def child_search(*, user, query: str, limit: int = 50) -> ChildSearchResult:
    """Exact CPR number, or names with prefix search (every word must match). Only children
    the user may see are found by name; an exact CPR match the user may not see is returned
    as ``hidden_match`` (the view offers reasoned access and logs the look-up)."""
    query = (query or "").strip()
    if not query:
        return ChildSearchResult(children=[])
    if looks_like_cpr(query) or query.replace("-", "").replace(" ", "").isdigit():
        try:
            number = parse_cpr(query).number
        except CprError as exc:
            return ChildSearchResult(children=[], cpr_error=str(exc))
        person = Person.objects.filter(cpr=number).first()
        if person is None:
            return ChildSearchResult(children=[])
        if children_visible_to(user).filter(pk=person.pk).exists():
            return ChildSearchResult(children=[person])
        if person.cases.exists():
            return ChildSearchResult(children=[], hidden_match=person)
        return ChildSearchResult(children=[])
    raw = name_tsquery(query)
    if not raw:
        return ChildSearchResult(
            children=[],
            query_error=_("Skriv mindst ét bogstav eller tal: et navn eller et CPR-nummer."),
        )
    from django.contrib.postgres.search import SearchQuery

    found = (
        children_visible_to(user)
        .filter(name_search=SearchQuery(raw, search_type="raw", config="simple"))
        .order_by("last_name", "first_name")[:limit]
    )
    return ChildSearchResult(children=list(found))


def may_see_notifier_on(user, case: Case) -> bool:
    """Who may see who reported a concern about the child of this case
    (``cases.see_notifier_documents``: intake coordinators and the case's responsible
    caseworker — not the team, its leader or anyone with reasoned access)."""
    return user.has_perm("cases.see_notifier_documents", case)


def documents_visible_to(user, case: Case):
    """The documents of ``case`` that ``user`` may list and open. Documents filed for the
    notifier's audience (letters that name the notifier) only for ``may_see_notifier_on``;
    to everyone else they do not exist (the download answers 404). Nothing for a user who
    may not see the case at all."""
    if not user.has_perm("cases.view_case", case):
        return Document.objects.none()
    documents = Document.objects.filter(case=case)
    if not may_see_notifier_on(user, case):
        documents = documents.exclude(audience=DocumentAudience.NOTIFIER)
    return documents


def my_cases(*, user):
    return (
        Case.objects.open()
        .filter(caseworker=user)
        .select_related("child", "team")
        .order_by("-last_activity_at")
    )


def team_cases(*, user):
    led = scope_for(user).led_unit_ids
    return (
        Case.objects.open()
        .filter(team_id__in=led)
        .select_related("child", "team", "caseworker")
        .order_by("team__name", "-last_activity_at")
    )


def case_timeline(
    *, case: Case, kind: str = "", before: int | None = None, limit: int = TIMELINE_PAGE
):
    events = CaseEvent.objects.filter(case=case).select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if before:
        # keyset paging on (occurred_at, id): events recorded late sort by when they happened
        anchor = (
            CaseEvent.objects.filter(case=case, pk=before)
            .values_list("occurred_at", flat=True)
            .first()
        )
        if anchor is not None:
            events = events.filter(Q(occurred_at__lt=anchor) | Q(occurred_at=anchor, id__lt=before))
    page = list(events.order_by("-occurred_at", "-id")[: limit + 1])
    return page[:limit], len(page) > limit


def case_journal(*, case: Case, query: str = ""):
    entries = JournalEntry.objects.filter(case=case).select_related("author", "addendum_to")
    if query.strip():
        from django.contrib.postgres.search import SearchQuery

        entries = entries.filter(
            search=SearchQuery(query.strip(), search_type="websearch", config="danish")
        )
    return entries.order_by("-occurred_on", "-id")


def child_relations(*, child: Person):
    return (
        Relation.objects.active_on(timezone.localdate())
        .filter(child=child)
        .select_related("person")
        .order_by("kind", "person__last_name")
    )


@dataclass
class SiblingView:
    """A sibling of the child, with the sibling's cases the viewer may see (possibly none:
    then nothing tells whether the sibling has a case at all)."""

    relation: Relation
    cases: list[Case]


def siblings_with_cases(*, user, child: Person, on=None) -> list[SiblingView]:
    """The child's siblings and half-siblings with their cases — only the cases ``user``
    may see (need-to-know, ``Case.objects.visible_to``). Two queries, whatever the number of
    siblings and cases. The caller logs the cases it shows (``gate.list_logged``)."""
    from boernesag.persons.selectors import siblings

    relations = siblings(child, on=on)
    by_child: dict[int, list[Case]] = {}
    if relations:
        for case in (
            Case.objects.visible_to(user)
            .filter(child_id__in=[r.person_id for r in relations])
            .select_related("team", "caseworker")
            .order_by("-opened_at")
        ):
            by_child.setdefault(case.child_id, []).append(case)
    return [SiblingView(relation=r, cases=by_child.get(r.person_id, [])) for r in relations]
