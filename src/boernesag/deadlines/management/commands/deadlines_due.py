import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from boernesag.deadlines.calculator import calculate
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.rules import RuleError


class Command(BaseCommand):
    help = "Print the due time for RULE_KEY started at START as one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("rule_key")
        parser.add_argument(
            "start", help="ISO 8601, e.g. 2026-04-03T18:30 (local time if no offset)"
        )
        parser.add_argument("--birth-date")
        parser.add_argument(
            "--notifier-kind", default="", choices=["", "professional", "private", "anonymous"]
        )
        parser.add_argument("--measure-kind", default="")
        parser.add_argument("--local", action="store_true")

    def handle(
        self, *args, rule_key, start, birth_date, notifier_kind, measure_kind, local, **options
    ):
        moment = parse_datetime(start) or (
            parse_datetime(f"{start}T00:00") if len(start) == 10 else None
        )
        if moment is None:
            raise CommandError(f"ugyldigt starttidspunkt: {start}")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=TZ)
        try:
            result = calculate(
                rule_key=rule_key,
                start=moment,
                birth_date=date.fromisoformat(birth_date) if birth_date else None,
                notifier_kind=notifier_kind,
                measure_kind=measure_kind,
                local=local,
            )
        except (RuleError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        data = result.as_json()
        data["due"] = result.due.astimezone(TZ).isoformat()
        data["start"] = result.start.astimezone(TZ).isoformat()
        self.stdout.write(json.dumps(data, ensure_ascii=False))
