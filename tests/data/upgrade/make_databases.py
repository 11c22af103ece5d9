"""Make a database with an earlier main's code (see README.md here).

Run with that commit's code on PYTHONPATH; writes what it derived to argv[1].
"""

import datetime
import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from declarations import services  # noqa: E402
from declarations.models import (  # noqa: E402
    Assessment,
    Commitment,
    Deadline,
    DeadlineRevision,
    Evidence,
)

D = datetime.date

call_command("migrate", interactive=False, verbosity=0)
call_command("loaddata", "astana_2005", verbosity=0)
amina = get_user_model().objects.create_user(
    "amina", "amina@example.org", "a-long enough passphrase 42"
)
commitment = Commitment.objects.get(reference="AST2005-06")
evidence = services.evidence_log(
    commitment=commitment,
    logged_by=amina,
    event_date=D(2007, 8, 16),
    summary="Upgrade-test evidence: the heads of state met in Bishkek.",
    source_title="Upgrade test source",
    source_url="https://example.org/upgrade",
    direction="toward",
)
services.assessment_record(
    commitment=commitment,
    recorded_by=amina,
    status="in_progress",
    as_of=D(2007, 8, 16),
    confidence="medium",
    rationale="Upgrade test: the work began in Bishkek.",
    evidence=[evidence],
)
wrong = services.evidence_log(
    commitment=commitment,
    logged_by=amina,
    event_date=D(2007, 9, 1),
    summary="Upgrade-test evidence to retract.",
    source_title="Wrong source",
    direction="neutral",
)
services.evidence_retract(
    evidence=wrong, retracted_by=amina, reason="Upgrade test: wrong commitment."
)
services.deadline_revise(
    deadline=Deadline.objects.exclude(earliest=None).order_by("pk").first(),
    revised_by=amina,
    reason="Upgrade test: narrowed to the summit.",
    note="Upgrade test: the window was read again.",
)
commitment.title += " (upgrade-test edit)"
commitment.save()


def day(value):
    return value.isoformat() if value else None


expected = {
    "current": {
        reference: [status, day(since), day(implemented)]
        for reference, status, since, implemented in Commitment.objects.values_list(
            "reference",
            "current_status",
            "current_status_since",
            "first_implemented_on",
        )
    },
    "counts": {
        "commitments": Commitment.objects.count(),
        "evidence": Evidence.objects.count(),
        "assessments": Assessment.objects.count(),
        "retracted": Evidence.objects.filter(retracted_at__isnull=False).count(),
        "revisions": DeadlineRevision.objects.count(),
        "historical_commitments": Commitment.history.count(),
    },
}
with open(sys.argv[1], "w") as out:
    json.dump(expected, out, indent=1, sort_keys=True)
