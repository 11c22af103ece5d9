"""Time every public page against the data the configured database holds."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from declarations.models import Commitment
from devtools import benchmarking


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def iso_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Time every public page and the admin changelists (no cache, after a "
        "write, cached; queries, bytes, the floor of list pages) and the CSV "
        "export's memory. Nothing is written: the temporary superuser is rolled "
        "back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests",
            type=positive,
            default=benchmarking.DEFAULT_REQUESTS,
            help="Timed requests per page, after one warm-up "
            f"(default {benchmarking.DEFAULT_REQUESTS}).",
        )
        parser.add_argument(
            "--export-requests",
            type=positive,
            help="Timed requests of the CSV export (default: --requests).",
        )
        parser.add_argument(
            "--page-budget",
            type=float,
            metavar="SECONDS",
            help="Stop timing a page once its timed requests add up to this many "
            "seconds (at least one is timed); for slow pages on big data.",
        )
        parser.add_argument(
            "--no-tracemalloc",
            action="store_false",
            dest="trace_memory",
            help="Measure the CSV export's memory by RSS only: tracemalloc slows "
            "a big export several times.",
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            help="Add ?as_of=DATE to every public page (the overdue page uses "
            f"{benchmarking.OVERDUE_AS_OF} otherwise).",
        )
        parser.add_argument(
            "--page",
            action="append",
            dest="only",
            help="Only this page (by its printed name; repeatable).",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON."
        )

    def handle(
        self,
        *args,
        requests,
        export_requests,
        page_budget,
        trace_memory,
        as_of,
        only,
        as_json,
        **options,
    ):
        if not Commitment.objects.exists():
            raise CommandError(
                "The database holds no commitments: generate some first "
                "(manage.py generate_synthetic)."
            )
        verbosity = options["verbosity"]

        def progress(message):
            if verbosity > 1 or (verbosity and not as_json):
                self.stderr.write(f"  {message}")

        report = benchmarking.run(
            requests=requests,
            export_requests=export_requests,
            as_of=as_of,
            only=only,
            page_budget=page_budget,
            trace_memory=trace_memory,
            progress=progress,
        )
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write(report.as_text())
