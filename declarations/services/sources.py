"""Source checks: what each evidence entry's URL answered, appended to its history."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Evidence, SourceCheck
from ..page_cache import pages_changed
from ..source_checker import Answer
from ..text import printable


@transaction.atomic
def source_checks_record(
    *,
    evidence: Iterable[Evidence],
    answers: dict[str, Answer],
    checked_at: datetime.datetime | None = None,
) -> list[SourceCheck]:
    """Append one check to each entry whose source URL has an answer (entries
    sharing a URL share its answer); the checks written, in the entries' order."""
    checked_at = checked_at or timezone.now()
    checks = []
    for entry in evidence:
        answer = answers.get(entry.source_url)
        if answer is None:
            continue
        check = SourceCheck(
            evidence=entry,
            url=entry.source_url,
            checked_at=checked_at,
            status_code=answer.status_code,
            # What a remote site or the network said: made printable, not refused.
            final_url=printable(answer.final_url)[:1000],
            error=printable(answer.error)[:500],
            reachable=answer.reachable,
        )
        # The evidence is the caller's row (checking it would cost a query a
        # row) and the final URL is wherever the site sent us, not our input.
        check.clean_fields(exclude=["evidence", "final_url"])
        checks.append(check)
    SourceCheck.objects.bulk_create(checks)
    pages_changed()
    return checks
