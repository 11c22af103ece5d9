"""Re-derive every commitment's status periods and current status."""

from django.core.management.base import BaseCommand

from declarations.services import status_rebuild


class Command(BaseCommand):
    help = (
        "Re-derive status periods, current statuses and implementation dates from "
        "the assessments. The services keep them up to date; run this after "
        "loading assessments by other means (raw SQL, an old backup)."
    )

    def handle(self, *args, **options):
        assessed = status_rebuild()
        self.stdout.write(f"Derived the status of {assessed:,} assessed commitment(s).")
