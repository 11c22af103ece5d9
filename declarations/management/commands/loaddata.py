"""Django's ``loaddata``, followed by the one writer of derived data.

A fixture or an ``.xml`` backup holds the record (assessments, deadlines, the
codebook), never what is derived from it; loading one derives the status periods,
each commitment's derived state and the figure tallies afresh, in the same
transaction, whoever runs it: ``bootstrap``, a restore, the tests, an editor.
"""

from django.core.management.commands import loaddata
from django.db import transaction

from declarations.services import status_derive


class Command(loaddata.Command):
    help = (
        f"{loaddata.Command.help} Then derives every commitment's status, figures "
        "and document order from what was loaded."
    )

    def handle(self, *fixture_labels, **options):
        with transaction.atomic(using=options["database"]):
            super().handle(*fixture_labels, **options)
            if self.loaded_object_count:
                status_derive()
