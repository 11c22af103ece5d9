"""Write every commitment, with its bodies, deadline and status on a date, to
standard output: a quick export. The citable data is a release (``release``)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from declarations import quick_export
from declarations.models import Commitment


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Export every commitment with its bodies, deadline and status on a date "
        "(a quick look; for citable data, write a release with manage.py release)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--as-of",
            type=str,
            help="Status as it stood on this date (YYYY-MM-DD, default today).",
        )
        parser.add_argument("--declaration", help="Only this declaration (its slug).")

    def handle(self, *args, format, as_of, declaration, **options):
        as_of = iso_date(as_of) if as_of else timezone.localdate()
        queryset = Commitment.objects.all()
        if declaration:
            queryset = queryset.filter(declaration__slug=declaration)
            if not queryset.exists():
                raise CommandError(f"No commitments for declaration {declaration!r}.")
        rows = quick_export.records(queryset, as_of)
        chunks = (
            quick_export.as_json_chunks(rows, as_of)
            if format == "json"
            else quick_export.as_csv_chunks(rows)
        )
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
