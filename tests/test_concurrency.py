"""Concurrent analysts never overwrite each other silently."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.db.models.signals import post_save

from declarations import services
from declarations.models import Assessment, Commitment, Evidence, Status
from tests.factories import CommitmentFactory, UserFactory, state_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's in-memory test database locks whole tables across threads, and a
    # file database serialises writers anyway; row locks are PostgreSQL's to test.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locking"
    ),
]

STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED, Status.IMPLEMENTED]


def run_in_threads(target, count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def latest_effective(commitment):
    return (
        Assessment.objects.filter(commitment=commitment)
        .overall()
        .effective()
        .in_force_order()
        .first()
    )


def test_current_status_equals_latest_assessment_under_concurrent_writes():
    commitment = CommitmentFactory()
    user = UserFactory()

    def record(index):
        return services.assessment_record(
            commitment=commitment,
            recorded_by=user,
            status=STATUSES[index % len(STATUSES)],
            as_of=datetime.date(2006, 1, 1) + datetime.timedelta(days=index % 5),
            confidence="medium",
            rationale=f"writer {index}",
        )

    _, errors = run_in_threads(record, 8)
    assert errors == []
    assert Assessment.objects.filter(commitment=commitment).count() == 8
    commitment.refresh_from_db()
    latest = latest_effective(commitment)
    assert (state_of(commitment).status, state_of(commitment).since) == (
        latest.status,
        latest.as_of,
    )


def test_two_analysts_on_the_same_page_one_wins_one_is_told():
    commitment = CommitmentFactory()
    seen = services.latest_assessment_id(commitment)

    def record(index):
        return services.assessment_record(
            commitment=commitment,
            recorded_by=UserFactory(username=f"analyst{index}"),
            status=STATUSES[index],
            as_of=datetime.date(2006, 1, 1),
            confidence="high",
            rationale=f"analyst {index}",
            expected_latest_id=seen,
        )

    results, errors = run_in_threads(record, 2)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.StaleAssessment)
    assert errors[0].latest == results[0]
    assert state_of(Commitment.objects.get()).status == results[0].status


def test_evidence_and_an_assessment_interleaved_at_the_worst_moment_both_land():
    """The evidence's writer has bumped the ledger's token and not yet committed
    (PostgreSQL checks its foreign key to the commitment at COMMIT) when an
    assessment of the same commitment starts. Writers that lock the commitment
    first and the token last deadlock here; the ledger's lock taken first queues
    the assessment behind the evidence instead."""
    commitment = CommitmentFactory()
    user = UserFactory()
    evidence_saved = threading.Event()

    def hold_on(sender, instance, created, **kwargs):
        if created:
            evidence_saved.set()
            time.sleep(0.5)  # the assessment starts meanwhile

    def log_evidence():
        return services.evidence_log(
            commitment=commitment,
            logged_by=user,
            event_date=datetime.date(2006, 6, 1),
            summary="The Council met.",
            source_title="Communique",
            source_url="https://example.org/communique",
            direction="toward",
        )

    def assess():
        assert evidence_saved.wait(timeout=10)
        return services.assessment_record(
            commitment=commitment,
            recorded_by=user,
            status=Status.IN_PROGRESS,
            as_of=datetime.date(2006, 6, 2),
            confidence="medium",
            rationale="The meeting began the work.",
        )

    post_save.connect(hold_on, sender=Evidence, dispatch_uid="test-hold-on")
    try:
        results, errors = run_in_threads(lambda i: [log_evidence, assess][i](), 2)
    finally:
        post_save.disconnect(sender=Evidence, dispatch_uid="test-hold-on")
    assert errors == []
    assert len(results) == 2
    assert Evidence.objects.filter(commitment=commitment).count() == 1
    assert state_of(commitment).status == Status.IN_PROGRESS
