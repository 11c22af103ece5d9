"""Visit every evidence source URL and record what it answered."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from declarations.models import Commitment, Evidence
from declarations.services import source_checks_record
from declarations.source_checker import check_urls

MAX_CONCURRENCY = 32
MAX_TIMEOUT = 120


def user_agent() -> str:
    """Who is asking and how to reach them, as polite crawlers say it."""
    where = "; ".join(
        part for part in (settings.TRACKER_SITE_URL, settings.TRACKER_CONTACT) if part
    )
    return f"DeclarationTracker-SourceCheck/1.0 (+{where})"


class Command(BaseCommand):
    help = (
        "Visit each distinct evidence source URL once (HEAD, GET where HEAD is "
        "refused, redirects followed), append what it answered to each entry's "
        "check history, and list the sources that did not answer with their "
        "archived copy. Dead links are a finding, not a failure: the exit status "
        "is non-zero only when the command itself cannot run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            metavar="S",
            help="Seconds a URL may take, redirects included (default 10).",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=4,
            metavar="N",
            help=f"URLs checked at once, 1 to {MAX_CONCURRENCY} (default 4).",
        )
        parser.add_argument(
            "--only-stale",
            type=int,
            metavar="DAYS",
            help="Only sources whose current URL has not been checked in the "
            "last DAYS days.",
        )
        parser.add_argument(
            "--commitment",
            metavar="REF",
            help="Only the evidence of this commitment (its reference).",
        )

    def handle(self, *args, timeout, concurrency, only_stale, commitment, **options):
        if not 0 < timeout <= MAX_TIMEOUT:
            raise CommandError(f"--timeout must be above 0 and at most {MAX_TIMEOUT}.")
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise CommandError(f"--concurrency must be 1 to {MAX_CONCURRENCY}.")
        if only_stale is not None and only_stale < 0:
            raise CommandError("--only-stale takes a number of days, 0 or more.")

        evidence = Evidence.objects.with_source().with_last_reachable()
        if commitment is not None:
            found = Commitment.objects.filter(reference=commitment).first()
            if found is None:
                raise CommandError(f"--commitment: no commitment {commitment!r}.")
            evidence = evidence.filter(commitment=found)
        if only_stale is not None:
            since = timezone.now() - datetime.timedelta(days=only_stale)
            evidence = evidence.source_unchecked_since(since)
        entries = list(
            evidence.select_related("commitment").order_by(
                "commitment__reference", "pk"
            )
        )
        if not entries:
            self.stdout.write("No evidence source to check.")
            return

        started = time.monotonic()
        answers = check_urls(
            (entry.source_url for entry in entries),
            timeout=timeout,
            concurrency=concurrency,
            user_agent=user_agent(),
        )
        checks = source_checks_record(evidence=entries, answers=answers)
        seconds = time.monotonic() - started

        dead = sum(not answer.reachable for answer in answers.values())
        self.stdout.write(
            f"Checked {len(answers)} URL(s) of {len(checks)} evidence entr"
            f"{'y' if len(checks) == 1 else 'ies'} in {seconds:.1f} s: "
            f"{len(answers) - dead} reachable, {dead} not reachable."
        )
        if dead:
            self.stdout.write("Not reachable:")
        for entry, check in zip(entries, checks, strict=True):
            if not check.reachable:
                self.stdout.write(self.dead_line(entry, check))

    def dead_line(self, entry, check) -> str:
        """One dead source: where it is cited, what it answered, what is left."""
        last = (
            f"last reachable {entry.last_reachable_at:%Y-%m-%d}"
            if entry.last_reachable_at
            else "never reachable when checked"
        )
        archived = entry.archived_url
        copy = f"archived copy: {archived}" if archived else "no archived copy"
        return (
            f"  {entry.commitment.reference} evidence {entry.pk}: {check.url}: "
            f"{check.answer}; {last}; {copy}"
        )
