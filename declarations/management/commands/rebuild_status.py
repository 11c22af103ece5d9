"""Re-derive every commitment's status periods and current status."""

from django.core.management.base import BaseCommand

from declarations.services import status_derive


class Command(BaseCommand):
    help = (
        "Re-derive status periods, current statuses and implementation dates from "
        "the assessments, with the one service that derives them everywhere. "
        "Needed only after assessments were written by other means (raw SQL)."
    )

    def handle(self, *args, **options):
        assessed = status_derive()
        self.stdout.write(f"Derived the status of {assessed:,} assessed commitment(s).")
