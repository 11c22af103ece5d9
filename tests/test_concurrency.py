"""Concurrent analysts never overwrite each other silently."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.db.models.signals import post_save

from declarations import services
from declarations.models import Assessment, Commitment, Evidence, Status
from tests.factories import CommitmentFactory, EvidenceFactory, UserFactory, state_of

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
    # "Implemented" stands on evidence: every writer cites the same entry.
    evidence = EvidenceFactory(
        commitment=commitment, event_date=datetime.date(2006, 1, 1)
    )

    def record(index):
        return services.assessment_record(
            commitment=commitment,
            recorded_by=user,
            status=STATUSES[index % len(STATUSES)],
            as_of=datetime.date(2006, 1, 1) + datetime.timedelta(days=index % 5),
            confidence="medium",
            rationale=f"Recorded by concurrent writer {index}.",
            evidence=[evidence],
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
            rationale=f"Recorded by concurrent analyst {index}.",
            expected_latest_id=seen,
        )

    results, errors = run_in_threads(record, 2)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.StaleAssessment)
    assert errors[0].latest == results[0]
    assert state_of(Commitment.objects.get()).status == results[0].status


def test_evidence_and_an_assessment_interleaved_at_the_worst_moment_both_land():
    """The evidence's writer has saved its row and not yet committed (PostgreSQL
    checks its foreign key to the commitment at COMMIT) when an assessment of the
    same commitment starts. Both lock the commitment first, so the assessment
    queues behind the evidence instead of deadlocking."""
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


def wait_or_fail(event: threading.Event, what: str):
    assert event.wait(timeout=20), what


def test_writes_to_another_commitment_never_wait_for_an_open_transaction():
    """While an analyst's transaction on commitment A is held open (assessment,
    evidence and the figures' tallies written, not committed), another analyst's
    evidence and assessment on commitment B of the same declaration and body
    commit within a second, and pages and sign-ins are served meanwhile."""
    from django.db import transaction
    from django.test import Client

    from tests.factories import BodyFactory, CommitmentBodyFactory

    body = BodyFactory()
    a = CommitmentFactory()
    b = CommitmentFactory(declaration=a.declaration)
    for commitment in (a, b):
        CommitmentBodyFactory(commitment=commitment, body=body)
    first, second = UserFactory(username="first"), UserFactory(username="second")
    holding, release = threading.Event(), threading.Event()
    timings = {}

    def hold_a():
        with transaction.atomic():
            services.assessment_record(
                commitment=a,
                recorded_by=first,
                status=Status.IN_PROGRESS,
                as_of=datetime.date(2006, 1, 1),
                confidence="medium",
                rationale="The first analyst's assessment, not yet committed.",
            )
            services.evidence_log(
                commitment=a,
                logged_by=first,
                event_date=datetime.date(2006, 1, 2),
                summary="Held open.",
                source_title="Report",
                direction="toward",
            )
            holding.set()
            wait_or_fail(release, "the other writer never finished")
        return "a"

    def write_b():
        wait_or_fail(holding, "the first writer never started")
        started = time.monotonic()
        evidence = services.evidence_log(
            commitment=b,
            logged_by=second,
            event_date=datetime.date(2006, 3, 1),
            summary="Not held up.",
            source_title="Report",
            direction="toward",
        )
        services.assessment_record(
            commitment=b,
            recorded_by=second,
            status=Status.IMPLEMENTED,
            as_of=datetime.date(2006, 3, 1),
            confidence="high",
            rationale="Done, as the report of 1 March shows.",
            evidence=[evidence],
        )
        timings["writes"] = time.monotonic() - started
        started = time.monotonic()
        client = Client()
        assert client.get(b.get_absolute_url()).status_code == 200
        assert client.get("/").status_code == 200
        signed_in = client.post(
            "/accounts/login/",
            {"username": "second", "password": "correct horse battery staple"},
        )
        assert signed_in.status_code == 302
        timings["reads"] = time.monotonic() - started
        release.set()
        return "b"

    results, errors = run_in_threads(lambda i: [hold_a, write_b][i](), 2)
    release.set()
    assert errors == []
    assert sorted(results) == ["a", "b"]
    assert timings["writes"] < 1.0, timings
    # A read or a sign-in that waited for A's locks would wait until A gave up
    # (20 s: A releases only once they are done); the bound is for a cold start.
    assert timings["reads"] < 5.0, timings
    assert state_of(a).status == Status.IN_PROGRESS
    assert state_of(b).status == Status.IMPLEMENTED
    from tests.checks import assert_figures_agree

    assert_figures_agree()


def test_two_writers_on_one_commitment_queue_and_the_second_is_told():
    """The second analyst's assessment of the same commitment waits for the
    first's transaction, then is refused as stale: nothing lost, no deadlock."""
    from django.db import transaction

    commitment = CommitmentFactory()
    seen = services.latest_assessment_id(commitment)
    first_in, second_waiting = threading.Event(), threading.Event()
    waited = {}

    def first():
        with transaction.atomic():
            services.assessment_record(
                commitment=commitment,
                recorded_by=UserFactory(username="early"),
                status=Status.IN_PROGRESS,
                as_of=datetime.date(2006, 1, 1),
                confidence="medium",
                rationale="Recorded first, committed after a pause.",
                expected_latest_id=seen,
            )
            first_in.set()
            second_waiting.wait(timeout=5)
            time.sleep(0.5)  # the second writer is queued on the lock meanwhile
        return "first"

    def second():
        wait_or_fail(first_in, "the first writer never started")
        second_waiting.set()
        started = time.monotonic()
        try:
            services.assessment_record(
                commitment=commitment,
                recorded_by=UserFactory(username="late"),
                status=Status.STALLED,
                as_of=datetime.date(2006, 1, 1),
                confidence="medium",
                rationale="Built on the page before the first was recorded.",
                expected_latest_id=seen,
            )
        finally:
            waited["seconds"] = time.monotonic() - started
        return "second"

    results, errors = run_in_threads(lambda i: [first, second][i](), 2)
    assert results == ["first"]
    assert len(errors) == 1 and isinstance(errors[0], services.StaleAssessment)
    assert waited["seconds"] >= 0.4, "the second writer did not wait for the lock"
    assert Assessment.objects.filter(commitment=commitment).count() == 1
    assert state_of(commitment).status == Status.IN_PROGRESS
