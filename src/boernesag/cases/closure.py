"""The closure checklist as a registry: what must be done before a case may be closed.

Every app contributes its own checks — the cases app the dialogue, status and information
items below, the deadlines app "every running deadline stopped or explained"
(``deadlines/closure_checks.py``), the measures app "every measure ended". A check is a
function registered with ``closure_check``; importing the module that holds it from the app's
``AppConfig.ready()`` registers it::

    from boernesag.cases.closure import closure_check

    @closure_check("measures_ended", _("Alle indsatser er afsluttet"), order=60)
    def measures_ended(case, answers):
        open_ = Measure.objects.filter(case=case, ended_on__isnull=True)
        return [_("Indsatsen %(name)s er ikke afsluttet.") % {"name": m} for m in open_]

``check(case, answers)`` returns what is missing as Danish sentences (an empty list, or None,
when the item is in order). ``answers`` is the unsaved ``CaseClosure`` with what the
caseworker filled in, and ``answers.typed_explanations`` the explanations typed for the items
that checks with ``explain`` list. A check with ``explain=items(case)`` lists things that
must each be resolved or explained (``ExplainItem``); the checklist page shows a text field
per item, and the item is missing while its explanation is empty.

The checklist applies to the caseworker's closure (``services.case_close_checked``). Intake's
closure at triage ("no further action" on a case opened or reopened for that report, with no
other report awaiting triage and no active measure) closes through ``services.case_close``
without it: nothing the checklist asks about has happened in such a case (docs/closure.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boernesag.cases.models import StatusAnswer, TellAnswer


@dataclass(frozen=True)
class ExplainItem:
    """A thing a check lists for resolving or explaining (e.g. one running deadline)."""

    ref: str
    label: str
    # False: must be resolved before closing; an explanation is not enough
    explainable: bool = True
    # the deadline has already passed: explaining it closes the case, but the miss stays a
    # miss in compliance (deadlines: a clock cancelled after its due time counts as missed)
    overdue: bool = False


@dataclass(frozen=True)
class ClosureCheck:
    key: str
    label: object
    check: Callable
    order: int = 100
    explain: Callable | None = None


@dataclass(frozen=True)
class Missing:
    key: str
    label: str
    messages: list[str] = field(default_factory=list)


_CHECKS: dict[str, ClosureCheck] = {}


def closure_check(key: str, label, *, order: int = 100, explain: Callable | None = None):
    """Register ``check(case, answers) -> list[str] | None`` under ``key`` (decorator). A key
    registered twice with another function is an error (two apps claiming one item)."""

    def register(func):
        known = _CHECKS.get(key)
        if known is not None and known.check is not func:
            qualname = getattr(known.check, "__qualname__", known.check)
            raise ValueError(f"closure check {key!r} is already registered by {qualname}")
        _CHECKS[key] = ClosureCheck(key, label, func, order, explain)
        return func

    return register


def closure_unregister(key: str) -> None:
    """Remove a check (tests that register one of their own)."""
    _CHECKS.pop(key, None)


def closure_checks() -> list[ClosureCheck]:
    return sorted(_CHECKS.values(), key=lambda c: (c.order, c.key))


def explain_items(case) -> dict[str, list[ExplainItem]]:
    """Per check key, the items the caseworker must resolve or explain before closing."""
    return {c.key: list(c.explain(case)) for c in closure_checks() if c.explain is not None}


def explain_field(check_key: str, ref: str) -> str:
    """The form field name of one explanation (stable, no personal data)."""
    return f"explain__{check_key}__{ref}".replace(":", "__")


def closure_missing(case, answers, *, items: dict | None = None) -> list[Missing]:
    """What is missing before the case may be closed, in checklist order (empty: may close).

    ``items``: the explain items already computed for the page (else computed here)."""
    items = explain_items(case) if items is None else items
    explanations = getattr(answers, "typed_explanations", {}) or {}
    missing = []
    for check in closure_checks():
        messages = list(check.check(case, answers) or [])
        for item in items.get(check.key, ()):
            if not item.explainable:
                messages.append(
                    _(
                        "%(item)s: fristen ophører ikke med sagen og skal overholdes, "
                        "før sagen kan afsluttes."
                    )
                    % {"item": item.label}
                )
            elif not (explanations.get((check.key, item.ref)) or "").strip() and item.overdue:
                messages.append(
                    _(
                        "%(item)s: fristen er overskredet. Løs opgaven, eller skriv hvorfor sagen "
                        "kan afsluttes alligevel (fristen tæller stadig som overskredet)."
                    )
                    % {"item": item.label}
                )
            elif not (explanations.get((check.key, item.ref)) or "").strip():
                messages.append(
                    _("%(item)s: løser fristen, eller skriv hvorfor sagen kan afsluttes alligevel.")
                    % {"item": item.label}
                )
        if messages:
            missing.append(Missing(check.key, str(check.label), messages))
    return missing


# --- the cases app's own checks ----------------------------------------------------------


def _done_or_why(answer, day: date | None, how: str, why_not: str, *, what: str, how_word: str):
    if answer == StatusAnswer.YES:
        out = []
        if day is None:
            out.append(_("Skriv datoen for %(what)s.") % {"what": what})
        if not (how or "").strip():
            out.append(_("Skriv %(how)s.") % {"how": how_word})
        return out
    if answer == StatusAnswer.NO:
        if not (why_not or "").strip():
            return [_("Skriv hvorfor der ikke er %(what)s.") % {"what": what}]
        return []
    return [_("Svar på om der har været %(what)s.") % {"what": what}]


@closure_check("child_dialogue", gettext_lazy("Dialog med barnet eller den unge"), order=10)
def child_dialogue(case, a):
    """Barnets Lov § 5: the child's own view is part of the case — also when it closes."""
    return _done_or_why(
        a.child_dialogue,
        a.child_dialogue_on,
        a.child_dialogue_how,
        a.child_dialogue_why_not,
        what=_("dialog med barnet"),
        how_word=_("hvordan dialogen foregik"),
    )


@closure_check("parents_dialogue", gettext_lazy("Dialog med forældrene"), order=20)
def parents_dialogue(case, a):
    return _done_or_why(
        a.parents_dialogue,
        a.parents_dialogue_on,
        a.parents_dialogue_how,
        a.parents_dialogue_why_not,
        what=_("dialog med forældrene"),
        how_word=_("hvordan dialogen med forældrene foregik"),
    )


@closure_check("school_status", gettext_lazy("Aktuel status fra skole eller dagtilbud"), order=30)
def school_status(case, a):
    return _done_or_why(
        a.school_status,
        a.school_status_on,
        a.school_status_source,
        a.school_status_why_not,
        what=_("modtaget status fra skole eller dagtilbud"),
        how_word=_("hvem statussen er fra"),
    )


@closure_check("provider_status", gettext_lazy("Aktuel status fra leverandøren"), order=40)
def provider_status(case, a):
    return _done_or_why(
        a.provider_status,
        a.provider_status_on,
        a.provider_status_source,
        a.provider_status_why_not,
        what=_("modtaget status fra leverandøren"),
        how_word=_("hvem statussen er fra"),
    )


@closure_check("final_assessment", gettext_lazy("Afsluttende vurdering"), order=50)
def final_assessment(case, a):
    if not (a.final_assessment or "").strip():
        return [
            _(
                "Skriv den afsluttende vurdering: hvordan går det barnet nu, og hvorfor "
                "kan sagen afsluttes."
            )
        ]
    return []


def _had_measure(case) -> bool:
    from boernesag.events.models import Event

    return Event.objects.filter(case=case, kind="measure_started").exists()


@closure_check("told", gettext_lazy("Hvem er orienteret om afslutningen"), order=70)
def told(case, a):
    out = []
    if a.parties_told_on is None:
        out.append(
            _(
                "Skriv hvornår parterne (forældremyndighedsindehaverne og barnet fra 10 år) "
                "blev orienteret."
            )
        )
    # whether the notifier is told is the caseworker's judgement (no rule found that
    # requires it at closure): answered, either way
    if not a.notifier_told:
        out.append(_("Svar på om underretteren er orienteret (eller at det ikke er relevant)."))
    if not a.provider_told:
        out.append(_("Svar på om leverandøren er orienteret (eller at det ikke er relevant)."))
    elif a.provider_told == TellAnswer.NOT_RELEVANT and _had_measure(case):
        out.append(_("Sagen har haft en indsats: orientér leverandøren om afslutningen."))
    return out
