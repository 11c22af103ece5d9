"""Read one deadline wording the way the importer and editors would: kind and window."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from declarations.deadline_reader import read_deadline


def declared_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date {value!r} is not a date: give the declaration's date as "
            "YYYY-MM-DD, e.g. --date 2005-07-05."
        ) from None


class Command(BaseCommand):
    help = (
        "Read a deadline wording ('in the autumn of 2005', 'by the next summit') "
        "against the declaration's date and print its kind, due window and note."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("wording", help="The wording, verbatim (quote it).")
        parser.add_argument(
            "--date",
            required=True,
            help="The declaration's date (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object: kind, earliest, latest, precision, event, "
            "note.",
        )

    def handle(self, *args, wording, date, as_json, **options):
        reading = read_deadline(wording, declared=declared_date(date))
        values = reading.as_dict()
        if as_json:
            self.stdout.write(json.dumps(values, ensure_ascii=False))
            return
        window = (
            f"{values['earliest']} to {values['latest']} ({values['precision']})"
            if reading.earliest
            else "none"
        )
        self.stdout.write(f"Kind:   {values['kind']}")
        self.stdout.write(f"Window: {window}")
        if reading.event:
            self.stdout.write(f"Event:  {reading.event}")
        self.stdout.write(f"Note:   {reading.note}")
