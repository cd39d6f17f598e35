"""Every path of a measure through the services: start from a granted decision (and the
refusals), change by a new decision (versions), follow-up with goal scores, supervision
visits, the end — with their events."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.catalogue import services as catalogue
from boernesag.decisions import services as decisions
from boernesag.decisions.tests.helpers import build_catalogue, complete, decide
from boernesag.events.models import Event
from boernesag.measures import selectors, services
from boernesag.measures.constants import FollowUpDecision, MeasureStatus
from boernesag.measures.models import FollowUp, GoalScore, Measure
from boernesag.measures.tests.helpers import approved, granted, placement_granted, start
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def _kinds(case):
    return list(Event.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def _payloads(case, kind):
    return [e.payload for e in Event.objects.filter(case=case, kind=kind).order_by("id")]


def test_a_measure_starts_from_a_granted_decision_with_its_event_and_first_version(w, cat):
    decision = granted(w, cat)
    today = timezone.localdate()
    result = services.measure_start(
        case=w.case,
        decision=decision,
        by=w.caseworker,
        starts_on=today,
        volume=Decimal(4),
        volume_unit="hours_per_week",
    )
    measure = result.measure
    assert measure.status == MeasureStatus.ACTIVE
    assert measure.kind == "support"
    assert measure.provider == cat.provider and measure.service == cat.family
    # the decision's 26 weeks: the expected end is the last day of week 26
    assert measure.expected_end_on == today + timedelta(weeks=26) - timedelta(days=1)
    [version] = measure.versions.all()
    assert (version.number, version.decision, version.volume) == (1, decision, Decimal(4))
    # no contract with the provider: a warning, not a refusal
    assert result.warnings == [
        f"Familiecentret har ingen gyldig kontrakt om indsatsen den {services._day(today)}."
    ]
    assert _payloads(w.case, "measure_started") == [
        {"measure_kind": "support", "measure": measure.pk, "early_support": False}
    ]
    assert selectors.measures_open(w.case) == [measure]
    # the follow-up clock runs from the start (Barnets Lov § 95, stk. 2)
    assert w.case.clocks.filter(rule_key="measure_follow_up", stopped_at__isnull=True).exists()


def test_a_double_submit_starts_one_measure(w, cat):
    decision = granted(w, cat)
    token = uuid.uuid4()
    first = start(w, decision, token=token)
    second = start(w, decision, token=token)
    assert first == second
    assert Measure.objects.count() == 1
    assert _kinds(w.case).count("measure_started") == 1


def test_a_contract_and_rate_in_force_give_no_warning(w, cat):
    catalogue.contract_add(
        provider=cat.provider,
        title="Rammeaftale",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=None,
        services=[cat.family],
    )
    result = services.measure_start(
        case=w.case,
        decision=granted(w, cat),
        by=w.caseworker,
        starts_on=timezone.localdate(),
        volume=Decimal(4),
        volume_unit="hours_per_week",
    )
    assert result.warnings == []


def test_no_rate_on_the_start_date_is_a_clear_warning(w, cat):
    other = catalogue.provider_create(name="Nyt Center", kind="private", services=[cat.family])
    # no rate: the team leader decides (decisions._derive)
    decision = approved(w, granted(w, cat, provider=other, yearly_cost=Decimal(100_000)))
    result = services.measure_start(
        case=w.case,
        decision=decision,
        by=w.caseworker,
        starts_on=timezone.localdate(),
        volume=Decimal(4),
        volume_unit="hours_per_week",
    )
    assert any("ingen takst" in text and "Nyt Center" in text for text in result.warnings)
    # the page shows the cost as unknown, never as 0
    view = selectors.measure_view(result.measure)
    assert view.month_cost is None
    assert view.year_cost.unpriced_days > 0


@pytest.mark.parametrize("state", ["draft", "awaiting_approval", "refusal"])
def test_a_measure_cannot_start_from_a_decision_not_granted(w, cat, state):
    if state == "draft":
        decision = decisions.decision_create(case=w.case, by=w.caseworker, **complete(cat))
        expected = "ikke truffet"
    elif state == "refusal":
        decision = decide(
            decisions.decision_create(
                case=w.case,
                by=w.caseworker,
                **complete(cat, outcome="refusal", hearing_skip_reason="Ingen nye oplysninger"),
            ),
            w.caseworker,
        )
        expected = "afslag"
    else:
        # 8 h a week × 500 kr. × 52 = 208.000 kr.: above the caseworker's authority
        decision = decide(
            decisions.decision_create(
                case=w.case, by=w.caseworker, **complete(cat, hours_per_week=8)
            ),
            w.caseworker,
        )
        assert decision.status == "awaiting_approval"
        expected = "venter på godkendelse"
    with pytest.raises(ValidationError) as exc:
        start(w, decision)
    assert expected in " ".join(exc.value.messages).lower()
    assert not Measure.objects.exists()
    assert "measure_started" not in _kinds(w.case)


def test_a_measure_cannot_start_before_the_decision_was_granted(w, cat):
    decision = granted(w, cat)
    with pytest.raises(ValidationError) as exc:
        start(w, decision, starts_on=timezone.localdate() - timedelta(days=1))
    assert "før afgørelsen er truffet" in " ".join(exc.value.messages)


def test_a_volume_outside_the_frame_needs_the_decisions_approved_reason(w, cat):
    decision = granted(w, cat, hours_per_week=4)
    with pytest.raises(ValidationError) as exc:
        start(w, decision, volume=1)  # the frame is 2–10 hours a week
    assert "uden for indsatsens ramme (2 – 10 timer pr. uge)" in " ".join(exc.value.messages)
    # more hours than granted need a new decision
    with pytest.raises(ValidationError) as exc:
        start(w, decision, volume=6)
    assert "større end bevilget" in " ".join(exc.value.messages)
    assert not Measure.objects.exists()


def test_another_provider_than_the_decision_names_is_refused(w, cat):
    other = catalogue.provider_create(name="Andet Center", kind="private", services=[cat.family])
    with pytest.raises(ValidationError) as exc:
        start(w, granted(w, cat), provider=other)
    assert "kræver en ny afgørelse" in " ".join(exc.value.messages)


def test_a_change_is_a_new_decision_and_a_new_version(w, cat):
    first = granted(w, cat)
    measure = start(w, first)
    change = decisions.decision_change_start(decision=first, by=w.caseworker)
    decisions.decision_update(
        decision=change,
        by=w.caseworker,
        expected_version=change.version,
        **complete(cat, hours_per_week=5),
    )
    change = decide(change, w.caseworker)
    assert change.replaces == first
    # the new decision is not a new measure
    with pytest.raises(ValidationError):
        start(w, change)
    measure.refresh_from_db()
    services.measure_change(
        measure=measure,
        decision=change,
        by=w.caseworker,
        valid_from=timezone.localdate(),
        volume=Decimal(5),
        volume_unit="hours_per_week",
        reason="Statusmødet viste behov for flere timer",
        expected_version=measure.version,
    )
    measure.refresh_from_db()
    assert (measure.volume, measure.decision, measure.current_number) == (Decimal(5), change, 2)
    versions = list(measure.versions.order_by("number"))
    assert [(v.number, v.volume, v.decision_id) for v in versions] == [
        (1, Decimal(4), first.pk),
        (2, Decimal(5), change.pk),
    ]
    assert _payloads(w.case, "measure_changed") == [{"measure": measure.pk, "decision": change.pk}]
    # a stale form (the version it was based on) is a conflict
    with pytest.raises(services.ConflictError):
        services.measure_end(
            measure=measure,
            by=w.caseworker,
            ended_on=timezone.localdate(),
            reason="goal_met",
            final_attainment="met",
            expected_version=1,
        )


def _plan_and_measure(w, cat, goals=2):
    plan = made_plan(w, goals=goals)
    measure = start(w, granted(w, cat, plan=plan))
    return plan, measure


def _record(w, follow_up, *, scores, decision="continue", **kw):
    follow_up.refresh_from_db()
    today = timezone.localdate()
    fields = dict(
        held_on=today,
        decision=decision,
        scores=scores,
        next_follow_up_on=today + timedelta(days=120),
        interval_reasons="Familien er i god gang; 4 måneder er nok",
        report_received_on=today,
        report_source="Skriftlig rapport fra familiebehandleren",
        child_talked_on=today,
        child_view="Alma synes, det går bedre.",
    )
    fields.update(kw)
    return services.follow_up_record(
        follow_up=follow_up, by=w.caseworker, expected_version=follow_up.version, **fields
    )


def _plan_follow_up(w, measure, **kw):
    return services.follow_up_plan(
        measure=measure,
        by=w.caseworker,
        held_at=timezone.now() + timedelta(days=14),
        agenda="Status fra leverandøren, Almas syn, målene",
        **kw,
    )


def test_a_follow_up_is_planned_with_a_status_meeting_and_the_report_due_a_week_before(w, cat):
    _, measure = _plan_and_measure(w, cat)
    follow_up = _plan_follow_up(w, measure)
    meeting_day = timezone.localtime(follow_up.meeting.held_at).date()
    assert follow_up.meeting.kind == "status_meeting"
    assert follow_up.report_requested_on == timezone.localdate()
    assert follow_up.report_due_on == meeting_day - timedelta(days=7)
    assert "meeting_planned" in _kinds(w.case)


def test_a_follow_up_scores_every_goal_of_the_plan_version_in_force(w, cat):
    plan, measure = _plan_and_measure(w, cat)
    goals = list(plan.goals.order_by("id"))
    follow_up = _plan_follow_up(w, measure)
    # a goal missing
    with pytest.raises(ValidationError) as exc:
        _record(w, follow_up, scores={goals[0].pk: (3, "")})
    assert "Giv hvert mål i planen en score" in " ".join(exc.value.messages)
    # a goal of another plan (not in the version in force)
    from boernesag.plans import services as plans

    stranger = plans.goal_add(
        plan=plan,
        by=w.caseworker,
        area="school",
        what="Nyt mål efter versionen",
        measure="Skolen",
        due_on=timezone.localdate() + timedelta(days=60),
    )
    with pytest.raises(ValidationError) as exc:
        _record(
            w,
            follow_up,
            scores={goals[0].pk: (3, ""), goals[1].pk: (4, ""), stranger.pk: (5, "")},
        )
    assert "ikke med i den gældende version af planen" in " ".join(exc.value.messages)
    assert not GoalScore.objects.exists()
    _record(w, follow_up, scores={goals[0].pk: (3, "Fravær halveret"), goals[1].pk: (4, "")})
    follow_up.refresh_from_db()
    assert follow_up.is_held and follow_up.plan_version.number == 1
    assert sorted(GoalScore.objects.values_list("goal_id", "score", "note")) == [
        (goals[0].pk, 3, "Fravær halveret"),
        (goals[1].pk, 4, ""),
    ]
    measure.refresh_from_db()
    next_day = timezone.localdate() + timedelta(days=120)
    assert measure.next_follow_up_on == next_day
    assert _payloads(w.case, "follow_up_held") == [{"next_follow_up_due": next_day.isoformat()}]
    # the panel shows the latest score per goal
    panel = selectors.case_panel(w.case)
    assert [(line.goal.pk, line.latest.score) for line in panel.goals] == [
        (goals[0].pk, 3),
        (goals[1].pk, 4),
    ]


def test_a_follow_up_needs_the_childs_view_or_why_not_and_reasons_for_the_interval(w, cat):
    plan, measure = _plan_and_measure(w, cat, goals=1)
    [goal] = plan.goals.all()
    follow_up = _plan_follow_up(w, measure)
    with pytest.raises(ValidationError) as exc:
        _record(w, follow_up, scores={goal.pk: (2, "")}, child_talked_on=None, interval_reasons="")
    messages = exc.value.message_dict
    assert "Barnets Lov § 5" in " ".join(messages["child_talked_on"])
    assert "§ 95, stk. 3" in " ".join(messages["interval_reasons"])
    # an ending needs no next date
    _record(
        w,
        follow_up,
        scores={goal.pk: (5, "")},
        decision=FollowUpDecision.END,
        next_follow_up_on=None,
        interval_reasons="",
    )
    assert _payloads(w.case, "follow_up_held") == [{"next_follow_up_due": None}]


def test_a_follow_up_recorded_twice_is_recorded_once(w, cat):
    plan, measure = _plan_and_measure(w, cat, goals=1)
    [goal] = plan.goals.all()
    follow_up = _plan_follow_up(w, measure)
    token = uuid.uuid4()
    _record(w, follow_up, scores={goal.pk: (2, "")}, token=token)
    _record(w, FollowUp.objects.get(pk=follow_up.pk), scores={goal.pk: (2, "")}, token=token)
    assert GoalScore.objects.count() == 1
    assert _kinds(w.case).count("follow_up_held") == 1


def test_ending_a_measure_records_reason_duration_and_attainment(w, cat):
    measure = start(w, granted(w, cat))
    with pytest.raises(ValidationError) as exc:
        services.measure_end(
            measure=measure,
            by=w.caseworker,
            ended_on=timezone.localdate(),
            reason="other",
            reasons=" ",
            final_attainment="",
            expected_version=measure.version,
        )
    assert set(exc.value.message_dict) == {"reasons", "final_attainment"}
    with pytest.raises(ValidationError) as exc:
        services.measure_end(
            measure=measure,
            by=w.caseworker,
            ended_on=timezone.localdate(),
            reason="turns_18",
            final_attainment="partly",
            expected_version=measure.version,
        )
    assert "ikke fyldt 18" in " ".join(exc.value.messages)
    token = uuid.uuid4()
    for _ in range(2):  # a double submit ends it once
        services.measure_end(
            measure=Measure.objects.get(pk=measure.pk),
            by=w.caseworker,
            ended_on=timezone.localdate(),
            reason="goal_met",
            final_attainment="met",
            expected_version=measure.version,
            token=token,
        )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED
    assert measure.duration_days == 1
    assert measure.get_end_reason_display() == "Målet er nået"
    assert _payloads(w.case, "measure_ended") == [{"measure": measure.pk}]
    assert selectors.measures_open(w.case) == []
    # the follow-up clock ends with the case's last measure
    assert not w.case.clocks.filter(
        rule_key="measure_follow_up", stopped_at__isnull=True, cancelled_at__isnull=True
    ).exists()


def test_supervision_visits_are_for_placements_and_need_a_reason_when_not_alone(w, cat):
    support = start(w, granted(w, cat))
    with pytest.raises(ValidationError):
        services.supervision_visit_record(
            measure=support, by=w.caseworker, visited_on=timezone.localdate(), talked_alone=True
        )
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    with pytest.raises(ValidationError) as exc:
        services.supervision_visit_record(
            measure=placement,
            by=w.caseworker,
            visited_on=timezone.localdate(),
            talked_alone=False,
        )
    assert "§ 156, stk. 5" in " ".join(exc.value.messages)
    services.supervision_visit_record(
        measure=placement,
        by=w.caseworker,
        visited_on=timezone.localdate(),
        talked_alone=False,
        not_alone_reason="Barnet ønskede plejemor med",
    )
    assert "supervision_visit_held" in _kinds(w.case)


# --- review 13 ----------------------------------------------------------------------------------


def test_the_unit_must_fit_the_decisions_hours(w, cat):
    """P2 8: a 4 h/week grant cannot be started as 40 modules (or any other unit)."""
    decision = granted(w, cat)
    for unit in ("modules", "days_per_week", "months"):
        with pytest.raises(ValidationError) as exc:
            start(w, decision, volume=40, unit=unit)
        assert exc.value.message_dict["volume_unit"] == [
            "Afgørelsen bevilger 4 timer pr. uge. Angiv omfanget i timer pr. uge – en anden "
            "enhed kræver en ny afgørelse."
        ]
    assert not Measure.objects.exists()


def test_a_monthly_unit_has_the_volume_1(w, cat):
    decision = placement_granted(w, cat)
    with pytest.raises(ValidationError) as exc:
        start(w, decision, volume=2, unit="months")
    assert exc.value.message_dict["volume"] == [
        "En månedlig ydelse har omfanget 1 (én ydelse pr. måned)."
    ]


def test_the_duration_frame_of_the_service_is_checked_against_the_expected_end(w, cat):
    """P2 8: Familiebehandling's frame is 4–52 weeks."""
    today = timezone.localdate()
    decision = granted(w, cat)
    with pytest.raises(ValidationError) as exc:
        start(w, decision, expected_end_on=today + timedelta(weeks=53) - timedelta(days=1))
    assert exc.value.message_dict["expected_end_on"] == [
        "Varigheden (53 uger) ligger uden for indsatsens ramme (4 – 52 uger). Det kræver en "
        "afgørelse, der er truffet med en godkendt begrundelse for at gå uden for rammen."
    ]
    with pytest.raises(ValidationError) as exc:
        start(w, decision, expected_end_on=today + timedelta(days=13))  # 2 weeks
    assert "Varigheden (2 uger)" in exc.value.message_dict["expected_end_on"][0]
    # the edges of the frame are inside it
    measure = start(w, decision, expected_end_on=today + timedelta(weeks=52) - timedelta(days=1))
    assert measure.expected_end_on == today + timedelta(weeks=52) - timedelta(days=1)


def test_outside_the_duration_frame_with_the_decisions_approved_reason(w, cat):
    from boernesag.decisions.models import Decision

    today = timezone.localdate()
    decision = granted(w, cat)
    Decision.objects.filter(pk=decision.pk).update(
        outside_frame=True, outside_frame_reason="Familien har brug for et længere forløb."
    )
    decision.refresh_from_db()
    measure = start(w, decision, expected_end_on=today + timedelta(weeks=60))
    assert measure.expected_end_on == today + timedelta(weeks=60)


def test_turns_18_on_a_placement_needs_the_youth_support_position(w, cat):
    """P2 7: Barnets Lov § 111 — a placement does not end at 18 before the municipality has
    taken its position on support after the 18th birthday."""
    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    today = timezone.localdate()
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    # the young person is 19 by the end (set after the grant, which needs a 15+ consent)
    w.child.birth_date = today - timedelta(days=19 * 366)
    w.child.save(update_fields=["birth_date"])

    def end():
        return services.measure_end(
            measure=Measure.objects.get(pk=placement.pk),
            by=w.caseworker,
            ended_on=today,
            reason="turns_18",
            final_attainment="partly",
            expected_version=Measure.objects.get(pk=placement.pk).version,
        )

    with pytest.raises(ValidationError) as exc:
        end()
    assert exc.value.message_dict["reason"] == [
        "Anbringelsen kan ikke afsluttes, fordi den unge fylder 18, før der er taget stilling "
        "til støtte efter det fyldte 18. år (ungestøtte/efterværn, Barnets Lov § 111). "
        "Registrér stillingtagen på sagen under »Handlinger« først."
    ]
    assert Measure.objects.get(pk=placement.pk).is_active
    event_write(ev.YouthSupportDecided(outcome="granted"), case=w.case, actor=w.caseworker)
    assert end().status == MeasureStatus.ENDED


def test_no_follow_up_on_an_ended_measure(w, cat):
    """P2 15: its follow_up_held would stop the case clock for another running measure."""
    today = timezone.localdate()
    measure = start(w, granted(w, cat))
    follow_up = services.follow_up_plan(
        measure=measure, by=w.caseworker, held_at=timezone.now(), agenda="Status"
    )
    services.measure_end(
        measure=measure,
        by=w.caseworker,
        ended_on=today,
        reason="goal_met",
        final_attainment="met",
        expected_version=measure.version,
    )
    follow_up.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(
            follow_up=follow_up,
            by=w.caseworker,
            expected_version=follow_up.version,
            held_on=today,
            decision="continue",
            scores={},
            next_follow_up_on=today + timedelta(days=90),
            interval_reasons="Fast",
            child_not_talked_reason="Syg",
        )
    assert exc.value.messages == [
        "Indsatsen er ophørt. Der kan ikke registreres opfølgning på en ophørt indsats."
    ]
    measure.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.follow_up_plan(
            measure=measure, by=w.caseworker, held_at=timezone.now(), agenda="Status"
        )
    assert exc.value.messages == ["Indsatsen er ophørt. Der kan ikke planlægges opfølgning."]
    assert "follow_up_held" not in _kinds(w.case)
    follow_up.refresh_from_db()
    assert not follow_up.is_held


def test_follow_ups_keep_their_change_history(w, cat):
    """P2 16: a follow-up changes from planned to held; both states are kept."""
    today = timezone.localdate()
    measure = start(w, granted(w, cat))
    follow_up = services.follow_up_plan(
        measure=measure, by=w.caseworker, held_at=timezone.now(), agenda="Status"
    )
    services.follow_up_record(
        follow_up=follow_up,
        by=w.caseworker,
        expected_version=follow_up.version,
        held_on=today,
        decision="continue",
        scores={},
        next_follow_up_on=today + timedelta(days=90),
        interval_reasons="Fast",
        child_not_talked_reason="Syg",
    )
    rows = list(follow_up.history.order_by("pgh_id").values_list("pgh_label", "status"))
    assert rows == [("insert", "planned"), ("update", "held")]


@pytest.mark.parametrize("who", ["other_caseworker", "manager", "closed"])
def test_the_services_refuse_who_may_not_work_the_measure(w, cat, who):
    """P2 13: NotAllowed at service level — a caseworker on another team, the manager
    (reads, does not edit), anyone on a closed case."""
    from boernesag.cases.models import Case

    today = timezone.localdate()
    decision = granted(w, cat)
    measure = start(w, decision)
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    follow_up = services.follow_up_plan(
        measure=measure, by=w.caseworker, held_at=timezone.now(), agenda="Status"
    )
    by = w.caseworker if who == "closed" else getattr(w, who)
    fresh = granted(w, cat) if who != "closed" else decision
    if who == "closed":
        Case.objects.filter(pk=w.case.pk).update(closed_at=timezone.now())
        w.case.refresh_from_db()
        for obj in (measure, placement, follow_up):
            obj.refresh_from_db()
    calls = [
        lambda: services.measure_start(
            case=w.case,
            decision=fresh,
            by=by,
            starts_on=today,
            volume=Decimal(4),
            volume_unit="hours_per_week",
        ),
        lambda: services.follow_up_plan(
            measure=measure, by=by, held_at=timezone.now(), agenda="Status"
        ),
        lambda: services.follow_up_record(
            follow_up=follow_up,
            by=by,
            expected_version=follow_up.version,
            held_on=today,
            decision="continue",
            scores={},
            next_follow_up_on=today + timedelta(days=90),
            interval_reasons="Fast",
            child_not_talked_reason="Syg",
        ),
        lambda: services.supervision_visit_record(
            measure=placement, by=by, visited_on=today, talk="alone"
        ),
        lambda: services.measure_end(
            measure=measure,
            by=by,
            ended_on=today,
            reason="goal_met",
            final_attainment="met",
            expected_version=measure.version,
        ),
    ]
    before = _kinds(w.case)
    for call in calls:
        with pytest.raises(services.NotAllowed):
            call()
    assert _kinds(w.case) == before
    assert Measure.objects.filter(case=w.case).count() == 2
