import json
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.deadlines import services
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.models import Clock, Escalation
from boernesag.deadlines.selectors import Period, compliance_table
from boernesag.deadlines.tasks import deadlines_escalate, deadlines_send_digests
from boernesag.events import catalogue as ev
from boernesag.events.projections import get, rebuild
from boernesag.events.services import event_write


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


def snapshot():
    return sorted(
        Clock.objects.values_list(
            "case_id",
            "rule_key",
            "rule_version",
            "law",
            "sequence",
            "subject",
            "start_event_id",
            "started_at",
            "due_at",
            "local_due_at",
            "stop_event_id",
            "stopped_at",
            "cancelled_at",
            "paused_since",
            "paused_seconds",
            "pause_id",
            "team_id",
            "caseworker_id",
        )
    )


def test_events_open_and_close_clocks_in_the_same_transaction(w):
    start = timezone.now() - timedelta(days=10)
    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker, occurred_at=start)
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.law == "BL" and clock.rule_version == 2 and clock.is_running
    event_write(ev.AssessmentConcluded(), case=w.case, actor=w.caseworker)
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.outcome() == "met"


def test_events_recorded_late_count_by_when_they_happened(w):
    start = datetime(2023, 11, 1, 10, tzinfo=TZ)  # before Barnets Lov
    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker, occurred_at=start)
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert (clock.law, clock.due_at.date()) == ("SEL", date(2024, 3, 1))
    # a conclusion that happened in time but is recorded now
    event_write(
        ev.AssessmentConcluded(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=datetime(2024, 2, 20, 10, tzinfo=TZ),
    )
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.outcome() == "met"
    assert w.case.events.get(kind=ev.AssessmentConcluded.kind).recorded_late


def test_pausing_needs_a_reason_and_moves_the_deadline(w):
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=5),
    )
    with pytest.raises(ValidationError):
        services.clock_pause(
            case=w.case, rule_key="assessment_duration", by=w.caseworker, reason=""
        )
    services.clock_pause(
        case=w.case,
        rule_key="assessment_duration",
        by=w.caseworker,
        reason="Afventer forældrenes samtykke",
    )
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.outcome() == "paused" and clock.pause_reason == "Afventer forældrenes samtykke"
    services.clock_resume(case=w.case, rule_key="assessment_duration", by=w.caseworker)
    assert Clock.objects.get(case=w.case, rule_key="assessment_duration").paused_since is None


@pytest.mark.parametrize(
    ("amount", "unit"), [(10_000_000, "working_days"), (10**9, "months"), (-1, "days")]
)
def test_a_huge_or_negative_local_standard_is_refused_before_any_date_arithmetic(w, amount, unit):
    """The day-by-day strictness check would loop for minutes over ten million working days
    (or overflow the calendar): such an amount is refused first, with the same message."""
    with pytest.raises(ValidationError) as error:
        services.local_standard_set(
            rule_key="access_request_decision",
            amount=amount,
            unit=unit,
            valid_from=date(2026, 1, 1),
            reason="Stavefejl i antallet",
            by=w.admin,
        )
    assert "aldrig lempeligere" in str(error.value)


def test_local_standard_may_tighten_but_never_loosen(
    w, settings, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as error:
        services.local_standard_set(
            rule_key="assessment_duration",
            amount=5,
            unit="months",
            valid_from=date(2026, 1, 1),
            reason="Mere tid",
            by=w.admin,
        )
    assert "aldrig lempeligere" in str(error.value)
    with pytest.raises(ValidationError):  # 130 days is longer than 4 months for some starts
        services.local_standard_set(
            rule_key="assessment_duration",
            amount=122,
            unit="days",
            valid_from=date(2026, 1, 1),
            reason="x",
            by=w.admin,
        )
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=datetime(2026, 2, 2, 10, tzinfo=TZ),
    )
    other = {c.pk for c in Clock.objects.exclude(rule_key="assessment_duration")}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        standard = services.local_standard_set(
            rule_key="assessment_duration",
            amount=2,
            unit="months",
            valid_from=date(2026, 1, 1),
            reason="Varde-modellen: undersøgelsen afsluttes på 2 måneder",
            by=w.admin,
        )
    # nothing recomputed in the request: the background task does it after commit
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.local_due_at == clock.due_at
    assert standard.recompute_state == "queued"
    (enqueue,) = callbacks
    enqueue()  # the immediate task backend runs the task now
    standard.refresh_from_db()
    assert (standard.recompute_state, standard.recompute_total, standard.recompute_done) == (
        "done",
        1,
        1,
    )
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.local_due_at.date() == date(2026, 4, 2)
    assert clock.due_at.date() == date(2026, 6, 2)
    # only that rule's clocks were rewritten; the organisation event is in the store
    assert {c.pk for c in Clock.objects.exclude(rule_key="assessment_duration")} == other
    assert w.case.events.model.objects.filter(kind="local_standard_set", case=None).exists()


def test_escalation_is_daily_idempotent_and_digest_has_no_names(w):
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=200),
    )
    assert deadlines_escalate.call() == 1
    assert deadlines_escalate.call() == 0
    assert Escalation.objects.get().rule_key == "assessment_duration"
    rebuild(get("clocks"))
    assert deadlines_escalate.call() == 0  # survives a rebuild
    w.caseworker.wants_deadline_digest = True
    w.caseworker.save()
    assert deadlines_send_digests.call() == 1
    (message,) = mail.outbox
    assert w.case.reference in message.body
    greeting, listing = message.body.split("\n", 1)  # "Goddag <a random staff first name>"
    assert greeting == f"Goddag {w.caseworker.first_name}"
    assert w.child.first_name not in listing and w.child.cpr not in message.body


def test_compliance_counts_are_sql_and_match_the_clocks(w):
    now = datetime(2026, 6, 30, 12, tzinfo=TZ)
    for day, stop in [(1, 10), (2, 140), (3, None)]:
        case = w.case if day == 1 else build_other_case(w, day)
        start = datetime(2026, 1, day, 10, tzinfo=TZ)
        event_write(ev.AssessmentStarted(), case=case, actor=w.caseworker, occurred_at=start)
        if stop:
            event_write(
                ev.AssessmentConcluded(),
                case=case,
                actor=w.caseworker,
                occurred_at=start + timedelta(days=stop),
            )
    rows = compliance_table(period=Period("quarter", 2026, 2), group="team", now=now)
    (row,) = [r for r in rows if r["rule_key"] == "assessment_duration"]
    assert (row["met"], row["late"], row["missed"], row["paused"], row["open"]) == (1, 1, 1, 0, 0)
    assert row["rate"] == 33.3 and row["who"] == "Team Nord"


def build_other_case(w, n):
    from boernesag.cases.services import case_open
    from boernesag.cases.tests.factories import child

    return case_open(
        child=child(first=f"Barn{n}"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.caseworker,
    )


def test_compliance_page_drilldown_and_csv(w):
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=200),
    )
    due = Clock.objects.get(rule_key="assessment_duration").due_at.astimezone(TZ)
    quarter = (due.month - 1) // 3 + 1
    client = Client()
    client.force_login(w.manager)
    query = f"kind=quarter&year={due.year}&number={quarter}&group=team&basis=law"
    page = client.get(f"/frister/lovoverholdelse/?{query}")
    assert page.status_code == 200
    assert "Børnefaglig undersøgelse afsluttet inden for 4 måneder" in page.content.decode()
    drill = client.get(
        f"/frister/lovoverholdelse/sager/?{query}&rule=assessment_duration"
        f"&outcome=missed&who={w.team_a.pk}"
    )
    html = drill.content.decode()
    assert w.case.reference in html
    # managers see no personal data (the full name: a first name alone may be a random
    # staff name's, and the caseworker column shows staff)
    assert f"{w.child.first_name} {w.child.last_name}" not in html and w.child.cpr not in html
    assert f'href="/sager/{w.case.pk}/"' not in html  # and no link into a case they can't see
    csv = client.get(f"/frister/lovoverholdelse/?{query}&format=csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Periode;Regel;Enhed/sagsbehandler;Overholdt;"
        "Overholdt for sent;Overskredet;I bero;Løber;"
        "Lovoverholdelse (%)"
    )
    assert ";Team Nord;0;0;1;0;0;0" in text
    leader = Client()
    leader.force_login(w.leader_a)
    drill = leader.get(
        f"/frister/lovoverholdelse/sager/?{query}&rule=assessment_duration"
        f"&outcome=missed&who={w.team_a.pk}"
    )
    assert f'href="/sager/{w.case.pk}/"' in drill.content.decode()
    caseworker = Client()
    caseworker.force_login(w.caseworker)
    assert caseworker.get(f"/frister/lovoverholdelse/?{query}").status_code == 403


def test_deadlines_due_command_prints_json():
    out = StringIO()
    call_command(
        "deadlines_due",
        "notifier_receipt",
        "2026-03-27T19:00",
        "--notifier-kind",
        "professional",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data == {
        "rule": "notifier_receipt",
        "version": 2,
        "law": "BL",
        "reference": "Barnets Lov § 138 (verificér)",
        "verified": False,
        "start": "2026-03-27T19:00:00+01:00",
        "due": "2026-04-09T23:59:59.999999+02:00",
        "conditions_met": True,
    }
    out = StringIO()
    call_command(
        "deadlines_due",
        "youth_support_decision",
        "2023-05-01",
        "--birth-date",
        "2006-02-10",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["law"], data["due"][:10]) == ("SEL", "2023-08-10")


@pytest.mark.django_db
def test_my_deadlines_and_case_panel_pages(w):
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=200),
    )
    client = Client()
    client.force_login(w.caseworker)
    html = client.get("/frister/mine/").content.decode()
    assert "Børnefaglig undersøgelse afsluttet inden for 4 måneder" in html
    assert "Overskredet med" in html and "Barnets Lov § 20, stk. 3" in html
    panel = client.get(f"/frister/sag/{w.case.pk}/", HTTP_HX_REQUEST="true")
    assert "Sæt i bero" in panel.content.decode()
    other = Client()
    other.force_login(w.other_caseworker)
    assert other.get(f"/frister/sag/{w.case.pk}/").status_code == 404  # may not know it


def test_rules_page_shows_the_background_recompute_of_a_new_local_standard(
    w, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(w.admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/frister/regler/",
            {
                "rule_key": "assessment_duration",
                "amount": "2",
                "unit": "months",
                "valid_from": "2026-01-01",
                "reason": "Varde-modellen",
            },
            follow=True,
        )
    html = response.content.decode()
    assert "genberegnes i baggrunden" in html
    assert "Venter på genberegning" in html and 'hx-trigger="every 2s"' in html
    for callback in callbacks:
        callback()
    html = client.get("/frister/regler/").content.decode()
    assert "Genberegnet" in html and 'hx-trigger="every 2s"' not in html
    # the standard is named by the rule's title, not its code key
    assert "<td>Børnefaglig undersøgelse afsluttet inden for 4 måneder</td>" in html
    assert "<td>assessment_duration</td>" not in html


def test_rules_page_marks_unverified_references_and_admin_sets_local_standard(w):
    client = Client()
    client.force_login(w.admin)
    html = client.get("/frister/regler/").content.decode()
    assert "(henvisning ikke verificeret)" in html
    # Serviceloven § 70: 3 months, then 6 — the page must not say "3 måneder, gentages"
    assert "første gang 3 måneder; derefter 6 måneder; gentages" in html
    # the family's appeal window cannot be shortened locally
    assert '<option value="appeal_window"' not in html
    with pytest.raises(ValidationError, match="Klagefristen er familiens"):
        services.local_standard_set(
            rule_key="appeal_window",
            amount=14,
            unit="days",
            valid_from=date(2026, 1, 1),
            reason="Hurtigere afslutning",
            by=w.admin,
        )
    response = client.post(
        "/frister/regler/",
        {
            "rule_key": "assessment_duration",
            "amount": "6",
            "unit": "months",
            "valid_from": "2026-01-01",
            "reason": "Vi vil have mere tid",
        },
    )
    assert response.status_code == 400
    assert "aldrig lempeligere" in response.content.decode()
    assert (
        'value="Vi vil have mere tid"' in response.content.decode()
        or "Vi vil have mere tid" in response.content.decode()
    )
    caseworker = Client()
    caseworker.force_login(w.caseworker)
    assert (
        caseworker.post("/frister/regler/", {"rule_key": "assessment_duration"}).status_code == 403
    )


def test_calculator_page(w):
    client = Client()
    client.force_login(w.caseworker)
    html = client.get(
        "/frister/beregn/", {"rule_key": "report_assessment", "start": "2026-03-28T18:00"}
    ).content.decode()
    assert "søndag 29. marts 2026 19:00" in html


def test_compliance_drilldown_links_work_before_vis_is_pressed(w):
    """Issue 20: the first visit shows the current quarter by default; its drill-down links
    must carry that period (they answered 404 until "Vis" had been pressed once)."""
    import re

    from dateutil.relativedelta import relativedelta

    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - relativedelta(months=4),
    )
    client = Client()
    client.force_login(w.manager)
    page = client.get("/frister/lovoverholdelse/")
    assert page.status_code == 200
    links = re.findall(r'href="(/frister/lovoverholdelse/sager/\?[^"]+)"', page.content.decode())
    assert links
    for link in links:
        drill = client.get(link.replace("&amp;", "&"))
        assert drill.status_code == 200, link
        assert w.case.reference in drill.content.decode()
    csv = re.search(r'href="(\?[^"]*format=csv)"', page.content.decode()).group(1)
    assert client.get("/frister/lovoverholdelse/" + csv.replace("&amp;", "&")).status_code == 200


def test_deadlines_more_than_half_a_year_ahead_are_hidden_until_asked_for(w):
    """Issue 20: every deadline list hides running deadlines more than 6 months ahead by
    default and shows them on "Vis alle" (Mine frister and the case's panel)."""
    from dateutil.relativedelta import relativedelta

    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker)  # due in 4 months
    near = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    far = Clock.objects.create(
        **{
            f.name: getattr(near, f.name)
            for f in Clock._meta.concrete_fields
            if f.name not in ("id", "rule_key", "due_at", "local_due_at", "subject")
        },
        rule_key="youth_plan_at_16",
        subject="far",
        due_at=timezone.now() + relativedelta(years=3),
        local_due_at=timezone.now() + relativedelta(years=3),
    )
    client = Client()
    client.force_login(w.caseworker)
    mine = client.get("/frister/mine/")
    pks = [c.pk for c in mine.context["clocks"]]
    assert near.pk in pks and far.pk not in pks
    assert "1 frist forfalder om mere end et halvt år" in mine.content.decode()
    everything = client.get("/frister/mine/?vis=alle")
    assert far.pk in [c.pk for c in everything.context["clocks"]]
    panel = client.get(f"/frister/sag/{w.case.pk}/")
    assert far.pk not in [c.pk for c in panel.context["clocks"]]
    assert near.pk in [c.pk for c in panel.context["clocks"]]
    assert "Vis alle frister" in panel.content.decode()
    panel_all = client.get(f"/frister/sag/{w.case.pk}/?vis=alle")
    assert far.pk in [c.pk for c in panel_all.context["clocks"]]
