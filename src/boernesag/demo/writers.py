"""Writing planned case histories (demo/histories.py).

- ``write_through_services``: Demo Kommune. Every step goes through the product's services
  (intake registration and triage, journal, meetings, consents, closing) or, for the steps
  whose apps come later (investigation, plan, decision, measure, follow-up), through
  ``event_write`` with the catalogue's constructors — at the moment it happened
  (``simulated_now``), so the projections update incrementally as in real work.
- ``BulkHistory``: a municipality of the largest size for benchmarks. The same plans, the
  same constructors (every payload is built and validated by its constructor), written with
  COPY; derived state then comes from ``projections_rebuild`` — the product's own code.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.db import connection

from boernesag.cases import services as case_services
from boernesag.cases.constants import ConsentForm, ConsentScope, MeetingKind
from boernesag.demo.clock import simulated_now
from boernesag.demo.histories import JOURNAL_TEXTS, CasePlan
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.intake import services as intake_services

PROFESSIONALS = [
    ("school", "Klasselærer Jonas Friis", "Demoby Skole", "Skolevej 2\n9990 Demoby"),
    ("daycare", "Pædagog Maja Lind", "Børnehuset Mælkebøtten", "Engvej 10\n9991 Demoby Nord"),
    (
        "health_visitor",
        "Sundhedsplejerske Eva Krog",
        "Sundhedsplejen",
        "Rådhustorvet 1\n9999 Demoby",
    ),
    ("police", "Politiassistent Kim Bøgh", "Demo Politi", "Politigården\n9999 Demoby"),
    ("doctor", "Læge Nina Stær", "Lægehuset Havbo", "Havnegade 3\n9993 Havbo"),
]
CONTENTS = [
    "Barnet er ofte sultent og uden madpakke, og har meget fravær de seneste uger.",
    "Barnet fortæller, at der er mange skænderier derhjemme, og virker bange for at gå hjem.",
    "Forældrene virker påvirkede ved afhentning. Barnet er trist og trækker sig fra legen.",
    "Barnet har blå mærker på overarmene og vil ikke fortælle, hvordan det er sket.",
    "Barnet udebliver fra undersøgelser og vaccinationer trods flere henvendelser.",
]
REASONS = {
    "investigation": "Der er grund til at antage, at barnet har behov for særlig støtte. "
    "Der iværksættes en børnefaglig undersøgelse.",
    "exploration": "Forholdene afdækkes nærmere sammen med familien og skolen.",
    "early_support": "Familien tilbydes en tidlig forebyggende indsats.",
    "advice": "Familien er vejledt; der er ikke behov for yderligere.",
    "no_action": "Oplysningerne giver ikke anledning til bekymring for barnets trivsel.",
}
MEASURE_LABEL = {
    "support": "støtteindsats",
    "placement_with_consent": "anbringelse med samtykke",
    "placement_without_consent": "anbringelse uden samtykke",
}


def _plain_event(step, data):
    """The typed event for a step with no service of its own (yet)."""
    action = step.action
    if action == "assessment_concluded":
        return ev.AssessmentConcluded()
    if action == "plan":
        return ev.PlanMade(plan_kind="child")
    if action == "decision":
        return ev.DecisionMade(outcome="grant", measure_kind=data["measure_kind"])
    if action == "decision_sent":
        return ev.DecisionSent()
    if action == "appeal":
        return ev.AppealReceived()
    if action == "appeal_reconsidered":
        return ev.AppealReconsidered()
    if action == "measure_start":
        return ev.MeasureStarted(measure_kind=data["measure_kind"])
    if action == "follow_up":
        return ev.FollowUpHeld(next_follow_up_due=data["next_due"])
    if action == "supervision":
        return ev.SupervisionVisitHeld()
    if action == "youth_plan":
        return ev.YouthPlanDecided()
    if action == "youth_support":
        return ev.YouthSupportDecided()
    if action == "measure_end":
        return ev.MeasureEnded()
    return None


def write_through_services(
    plan: CasePlan,
    *,
    rng: random.Random,
    child,
    parents,
    team,
    caseworker,
    coordinators,
    measure=None,
):
    """Write one planned history with the real services, each at its own moment. With a
    ``measure`` (``demo.measures.Choice``) the decision, the measure, its follow-ups,
    visits, end and the case's closure go through their own services too."""
    case = row = meeting = demo_plan = work = None
    registrar, triager = coordinators[0], coordinators[rng.randrange(len(coordinators))]
    for step in plan.steps:
        data = step.data
        with simulated_now(step.at + timedelta(minutes=5)):
            if step.action == "receive":
                kind, name, org, address = (
                    rng.choice(PROFESSIONALS) if data["professional"] else ("private", "", "", "")
                )
                if not data["professional"]:
                    kind = rng.choice(["private", "anonymous", "family"])
                item = intake_services.intake_register(
                    kind="concern_report",
                    channel=rng.choice(["phone", "email", "digital", "letter"]),
                    received_at=step.at,
                    notifier_kind=kind,
                    notifier_name=name,
                    notifier_organisation=org,
                    notifier_address=address,
                    content=rng.choice(CONTENTS),
                    by=registrar,
                    children=[intake_services.ChildRef(child.cpr)],
                    reasons=["violence"]
                    if data["flagged"]
                    else rng.sample(["neglect", "school_absence", "mental_health"], k=1),
                )
                row = item.children.get()
                case = row.case
                if measure is not None:
                    from boernesag.demo.measures import MeasureWork

                    work = MeasureWork(
                        measure, case, caseworker, rng=random.Random(f"measure-{child.cpr}")
                    )
            elif step.action == "triage":
                outcome = data["outcome"]
                flagged = data["flagged"]
                intake_services.intake_triage(
                    intake_child=row,
                    by=triager,
                    at_risk=outcome == "investigation",
                    acute_needed=False,
                    outcome=outcome,
                    reasons_text=REASONS[outcome],
                    expected_version=row.version,
                    caseworker=caseworker if outcome not in ("advice", "no_action") else None,
                    team=team if outcome not in ("advice", "no_action") else None,
                    child_conversation_on=step.at.date() if flagged else None,
                    barnehus="contacted" if flagged else "",
                )
                row.refresh_from_db()
                case.refresh_from_db()
            elif step.action == "receipt":
                event_write(ev.ReceiptSent(), case=case, actor=registrar, subject=row)
            elif step.action == "journal":
                title, kind, text = JOURNAL_TEXTS[data["text"]]
                case_services.journal_write(
                    case=case,
                    author=caseworker,
                    kind=kind,
                    title=title,
                    text=text,
                    occurred_on=step.at.date(),
                )
            elif step.action == "consent" and parents:
                oral = data["oral"]
                case_services.consent_record(
                    case=case,
                    by=caseworker,
                    given_by=parents[0],
                    scope=rng.choice(ConsentScope.values[:4]),
                    form=ConsentForm.ORAL if oral else ConsentForm.WRITTEN,
                    given_on=step.at.date(),
                    valid_until=step.at.date() + timedelta(days=365),
                    oral_note="Samtykket blev givet mundtligt under telefonsamtale. Forælderen "
                    "blev orienteret om, hvad oplysningerne skal bruges til."
                    if oral
                    else "",
                )
            elif step.action == "meeting_plan":
                meeting = case_services.meeting_create(
                    case=case,
                    by=caseworker,
                    kind=MeetingKind.DIALOGUE_MEETING,
                    held_at=data["held_at"],
                    agenda="1. Velkomst\n2. Undersøgelsens fokus\n3. Aftaler",
                    staff=[caseworker],
                    persons=parents[:1],
                    other_participants="Klasselærer",
                )
            elif step.action == "meeting_finish" and meeting is not None:
                case_services.meeting_finish(
                    meeting=meeting,
                    by=caseworker,
                    minutes="Familien og skolen deltog. Vi aftalte fokus på skolegang og søvn. "
                    "Næste møde om seks uger.",
                    expected_version=meeting.version,
                )
            elif step.action == "plan":
                from boernesag.demo.plans import plan_write

                case.refresh_from_db()
                if case.is_open:
                    # an rng of its own: the plan's choices do not move the other steps'
                    plan_rng = random.Random(case.pk)
                    demo_plan = plan_write(
                        case=case,
                        caseworker=caseworker,
                        at=step.at,
                        rng=plan_rng,
                        send=plan_rng.random() < 0.1,
                    )
            elif work is not None and _measure_step(work, step):
                if step.action == "follow_up" and demo_plan is not None:
                    from boernesag.demo.plans import plan_revise_at_follow_up

                    plan_revise_at_follow_up(plan=demo_plan, caseworker=caseworker, at=step.at)
                    demo_plan = None
            elif step.action == "follow_up" and demo_plan is not None:
                from boernesag.demo.plans import plan_revise_at_follow_up

                event_write(
                    _plain_event(step, data), case=case, actor=caseworker, occurred_at=step.at
                )
                plan_revise_at_follow_up(plan=demo_plan, caseworker=caseworker, at=step.at)
                demo_plan = None  # one revision per demo case
            elif step.action == "close":
                case.refresh_from_db()
                if case.is_open:
                    case_services.case_close(
                        case=case, by=caseworker, reason="Målene er nået", closed_at=step.at
                    )
            else:
                typed = _plain_event(step, data)
                if typed is not None:
                    event_write(typed, case=case, actor=caseworker, occurred_at=step.at)
    return case


def _measure_step(work, step) -> bool:
    """Do a measure step of the history through the measures' own services; False: the
    step is written as before (its plain event)."""
    action = step.action
    if action == "decision":
        work.decide(kind=step.data["measure_kind"])
        return work.decision is not None
    if action == "decision_sent":
        return work.decision is not None  # the letters are not rendered for the demo
    if action == "measure_start":
        work.start()
        return work.measure is not None
    if action == "follow_up":
        return work.follow_up(next_due=step.data["next_due"])
    if action == "supervision":
        return work.visit()
    if action == "measure_end":
        return work.end()
    if action == "close":
        return work.close()
    return False


class BulkHistory:
    """Collects the rows of many planned histories and writes them in bulk."""

    def __init__(self, *, intake_team_id: int, coordinator_id: int):
        self.intake_team_id = intake_team_id
        self.coordinator_id = coordinator_id
        # (case_id, kind, occurred_at, actor_id, subject (type, id) | None, payload)
        self.events: list[tuple] = []
        self.journal: list = []  # (JournalEntry, event index)
        self.reassignments: list = []  # (Reassignment, event index)
        self.closures: dict[int, object] = {}

    def event(self, case_id, typed, moment, actor, subject=None):
        self.events.append((case_id, typed.kind, moment, actor, subject, typed.to_payload()))
        return len(self.events) - 1

    def add(self, plan: CasePlan, *, case, caseworker_id: int, pad: int, rng: random.Random):
        from boernesag.cases.models import Reassignment

        c, worker = case.pk, caseworker_id
        for step in plan.steps:
            data, moment = step.data, step.at
            if step.action == "receive":
                self.event(c, ev.CaseOpened(team=self.intake_team_id), moment, self.coordinator_id)
                self.event(
                    c,
                    ev.ReportReceived(
                        intake_kind="concern_report",
                        notifier_professional=data["professional"],
                        flagged=data["flagged"],
                    ),
                    moment,
                    self.coordinator_id,
                )
            elif step.action == "triage":
                outcome = data["outcome"]
                self.event(c, ev.ReportTriaged(outcome=outcome), moment, self.coordinator_id)
                if outcome == "investigation":
                    self.event(
                        c, ev.AssessmentStarted(aware_at=plan.opened), moment, self.coordinator_id
                    )
                if outcome in ("advice", "no_action"):
                    self.event(c, ev.CaseClosed(), moment, self.coordinator_id)
                    self.closures[c] = moment
                else:
                    move = Reassignment(
                        case_id=c,
                        from_team_id=self.intake_team_id,
                        to_team_id=case.team_id,
                        to_caseworker_id=worker,
                        reason="Fordelt ved modtagelsen",
                        by_id=self.coordinator_id,
                        at=moment,
                    )
                    index = self.event(
                        c,
                        ev.CaseReassigned(
                            reassignment=1,  # replaced by the row's id once it exists
                            from_team=self.intake_team_id,
                            to_team=case.team_id,
                            to_caseworker=worker,
                        ),
                        moment,
                        self.coordinator_id,
                    )
                    self.reassignments.append((move, index))
            elif step.action == "receipt":
                self.event(c, ev.ReceiptSent(), moment, self.coordinator_id)
            elif step.action == "journal":
                title, kind, text = JOURNAL_TEXTS[data["text"]]
                self._journal(c, worker, moment, title, kind, text)
            elif step.action == "consent":
                self.event(
                    c,
                    ev.ConsentGiven(consent_scope="info_from_school", form="written"),
                    moment,
                    worker,
                )
            elif step.action == "meeting_plan":
                self.event(
                    c,
                    ev.MeetingPlanned(meeting_kind="dialogue_meeting", held_at=data["held_at"]),
                    moment,
                    worker,
                )
            elif step.action == "meeting_finish":
                self.event(c, ev.MeetingHeld(meeting_kind="dialogue_meeting"), moment, worker)
            elif step.action == "close":
                if c not in self.closures:
                    self.event(c, ev.CaseClosed(), moment, worker)
                    self.closures[c] = moment
            else:
                typed = _plain_event(step, data)
                if typed is not None:
                    self.event(c, typed, moment, worker)
        if pad:
            first, last = plan.steps[0].at, max(plan.steps[-1].at, plan.steps[0].at)
            span = max(int((last - first).total_seconds()), 1)
            document = ev.DocumentAdded(document_kind="other")
            corrected = ev.JournalCorrected()
            for n in range(pad):
                moment = first + timedelta(seconds=rng.randint(0, span))
                if n % 10 == 0:
                    title, kind, text = rng.choice(JOURNAL_TEXTS)
                    self._journal(c, worker, moment, title, kind, text)
                else:
                    self.event(c, document if n % 2 else corrected, moment, worker)

    def _journal(self, case_id, author, moment, title, kind, text):
        from boernesag.cases.models import JournalEntry

        entry = JournalEntry(
            case_id=case_id,
            kind=kind,
            title=title,
            text=text,
            occurred_on=moment.date(),
            author_id=author,
            created_at=moment,
        )
        index = self.event(case_id, ev.JournalWritten(journal_kind=kind), moment, author)
        self.journal.append((entry, index))

    def write(self) -> int:
        from boernesag.cases.models import JournalEntry, Reassignment

        JournalEntry.objects.bulk_create([e for e, _ in self.journal], batch_size=5000)
        Reassignment.objects.bulk_create([m for m, _ in self.reassignments], batch_size=5000)
        events = list(self.events)
        for entry, index in self.journal:
            c, kind, moment, actor, _subject, payload = events[index]
            events[index] = (c, kind, moment, actor, ("cases.journalentry", entry.pk), payload)
        for move, index in self.reassignments:
            c, kind, moment, actor, subject, payload = events[index]
            events[index] = (c, kind, moment, actor, subject, {**payload, "reassignment": move.pk})
        events.sort(key=lambda e: (e[2], e[0]))  # ids in the order things happened
        columns = (
            "scope, case_id, kind, occurred_at, recorded_at, actor_kind, actor_id, actor_ref, "
            "subject_type, subject_id, payload"
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY events_event ({columns}) FROM STDIN") as copy,
        ):
            for c, kind, moment, actor, subject, payload in events:
                subject_type, subject_id = subject or ("", None)
                copy.write_row(
                    (
                        "case",
                        c,
                        kind,
                        moment,
                        moment,
                        "user",
                        actor,
                        "",
                        subject_type,
                        subject_id,
                        json.dumps(payload),
                    )
                )
        if self.closures:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE cases_case AS c SET closed_at = v.at, closed_reason = %s "
                    "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE c.id = v.id",
                    ["Afsluttet", list(self.closures), list(self.closures.values())],
                )
        return len(events)
