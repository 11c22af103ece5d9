"""Migrate the database and, when it holds no declaration yet, load a codebook."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from declarations.models import Declaration
from declarations.services import status_settle


class Command(BaseCommand):
    help = (
        "Apply migrations and load the shipped codebook into an empty database. "
        "Safe to run again: a database that holds declarations is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture",
            nargs="?",
            default="astana_2005",
            help="Fixture to load into an empty database (default: astana_2005).",
        )

    def handle(self, *args, fixture, **options):
        call_command("migrate", interactive=False, verbosity=0)
        settled = status_settle()
        if settled:
            self.stdout.write(f"Settled the figures of {settled:,} commitment(s).")
        with transaction.atomic():
            if Declaration.objects.exists():
                count = Declaration.objects.count()
                self.stdout.write(
                    f"The database already holds {count} declaration(s); "
                    "nothing loaded."
                )
                return
            call_command("loaddata", fixture, verbosity=0)  # and derives
        declarations = ", ".join(str(d) for d in Declaration.objects.all())
        self.stdout.write(f"Loaded {fixture}: {declarations}")
