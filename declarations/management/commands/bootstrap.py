"""Migrate the database and, when it holds no declaration yet, load a codebook
and its implementation record."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from declarations.models import Declaration
from declarations.services import status_settle


def shipped_record(fixture: str) -> Path | None:
    """The record file shipped beside a fixture (``<fixture>_record.csv``)."""
    for directory in settings.FIXTURE_DIRS:
        path = Path(directory) / f"{fixture}_record.csv"
        if path.exists():
            return path
    return None


class Command(BaseCommand):
    help = (
        "Apply migrations and load the shipped codebook into an empty database, "
        "then its implementation record (fixtures/<fixture>_record.csv, through "
        "import_evidence --publish: the file is reviewed). Safe to run again: a "
        "database that holds declarations is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture",
            nargs="?",
            default="astana_2005",
            help="Fixture to load into an empty database (default: astana_2005).",
        )
        parser.add_argument(
            "--record",
            help="The record file to import after it (default: the fixture's "
            "<fixture>_record.csv in fixtures/, where there is one).",
        )

    def handle(self, *args, fixture, record, **options):
        call_command("migrate", interactive=False, verbosity=0)
        settled = status_settle()
        if settled:
            self.stdout.write(f"Settled the figures of {settled:,} commitment(s).")
        record = record or shipped_record(fixture)
        with transaction.atomic():
            if Declaration.objects.exists():
                count = Declaration.objects.count()
                self.stdout.write(
                    f"The database already holds {count} declaration(s); "
                    "nothing loaded."
                )
                return
            call_command("loaddata", fixture, verbosity=0)  # and derives
            if record:
                call_command(
                    "import_evidence", str(record), publish=True, stdout=self.stdout
                )
        declarations = ", ".join(str(d) for d in Declaration.objects.all())
        self.stdout.write(f"Loaded {fixture}: {declarations}")
