"""Letters to the provider of a measure, composed in the writing transaction and rendered and
sent after commit by the outbox (``letters.services.letter_create``).

What the provider is told follows the family's consent to share information with the
provider (``cases.ConsentScope.SHARE_WITH_PROVIDER``, Barnets Lov § 22 / forvaltningsloven
— *the exact basis for sharing without consent is not modelled: unverified*): without it the
letter says what is delivered and from when, nothing about the decision's purpose, the plan's
goals or the family. No letter carries an address of the child or the family (a child with
name and address protection must not be found through a letter).
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.cases.constants import ConsentScope
from boernesag.cases.models import Consent
from boernesag.letters import services as letters
from boernesag.letters.models import LetterKind
from boernesag.measures.models import MeasureLetter


def _day(value) -> str:
    return formats.date_format(value, "j.n.Y") if value else ""


def provider_consent(case, on=None) -> Consent | None:
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(case=case, scope=ConsentScope.SHARE_WITH_PROVIDER, given_on__lte=on)
        .exclude(withdrawn_on__lte=on)
        .exclude(valid_until__lt=on)
        .order_by("-given_on", "-id")
        .first()
    )


def _volume(measure) -> str:
    amount = formats.number_format(measure.volume.normalize())
    return f"{amount} {measure.get_volume_unit_display()}"


def _goals_text(measure) -> str:
    from boernesag.measures.services import plan_goals

    _version, goals = plan_goals(measure)
    return "\n".join(
        f"{n}. {g.what} ({_('senest')} {_day(g.due_on)})" for n, g in enumerate(goals, start=1)
    )


def _contacts(case, by) -> str:
    from boernesag.persons import selectors as people

    lines = [
        _("%(name)s, rådgiver i kommunen%(email)s")
        % {"name": by.get_full_name(), "email": f" ({by.email})" if by.email else ""}
    ]
    for person in people.custody_holders(case.child):
        lines.append(_("%(name)s, forældremyndighedsindehaver") % {"name": person.full_name})
    return "\n".join(lines)


def _send(*, measure, kind, context, by, follow_up=None, consent=None, provider=None):
    provider = provider or measure.provider
    case = measure.case
    letter = letters.letter_create(
        kind=kind,
        cases=[case],
        context={
            "recipient_name": provider.name,
            "child_name": case.child.full_name,
            "service": str(measure.service),
            "caseworker": by.get_full_name(),
            **context,
        },
        recipient_name=provider.name,
        recipient_address=provider.address,
        recipient_email=provider.email,
        by=by,
    )
    return MeasureLetter.objects.create(
        measure=measure,
        follow_up=follow_up,
        provider=provider,
        letter=letter,
        consent=consent,
    )


def start_letter(measure, *, by, on, provider=None) -> MeasureLetter:
    """The provider is told of the measure: the terms; with consent the decision's purpose,
    the plan's goals and the contact persons. The consent is checked on the day the letter
    is sent (today), never on ``on`` — a backdated start must not revive a consent that has
    since been withdrawn."""
    consent = provider_consent(measure.case)
    context = {
        "start_date": _day(on),
        "volume": _volume(measure),
        "expected_end": _day(measure.expected_end_on),
        "purpose": "",
        "goals": "",
        "contacts": "",
        "consent_note": _(
            "Familien har ikke givet samtykke til, at vi deler flere oplysninger med jer. Vi "
            "kontakter jer om det praktiske."
        ),
    }
    if consent is not None:
        context.update(
            purpose=measure.decision.purpose if measure.decision_id else "",
            goals=_goals_text(measure),
            contacts=_contacts(measure.case, by),
            consent_note="",
        )
    return _send(
        measure=measure,
        kind=LetterKind.MEASURE_START,
        context=context,
        by=by,
        consent=consent,
        provider=provider,
    )


def report_request_letter(follow_up, *, by) -> MeasureLetter:
    measure = follow_up.measure
    consent = provider_consent(measure.case)
    meeting_day = timezone.localtime(follow_up.meeting.held_at).date()
    return _send(
        measure=measure,
        kind=LetterKind.REPORT_REQUEST,
        context={
            "meeting_date": _day(meeting_day),
            "report_due": _day(follow_up.report_due_on),
            "goals": _goals_text(measure) if consent else "",
        },
        by=by,
        follow_up=follow_up,
        consent=consent,
    )


def end_letter(measure, *, by, provider=None, reason_label: str = "", contract=None):
    """The provider (and so the contract) is told the measure ends, and why — the reason's
    label only, never the caseworker's own words."""
    return _send(
        measure=measure,
        kind=LetterKind.MEASURE_END,
        context={
            "ended_date": _day(measure.ended_on),
            "end_reason": reason_label or measure.get_end_reason_display(),
            "contract": contract.title if contract else "",
        },
        by=by,
        provider=provider,
    )
