"""Cached figures follow every write to the ledger."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from declarations import services
from declarations.models import Commitment, LedgerVersion, Status
from declarations.models.versions import cached_figures
from tests.factories import (
    AssessmentFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_every_kind_of_write_changes_the_token():
    seen = {LedgerVersion.current()}

    def changed():
        token = LedgerVersion.current()
        assert token not in seen
        seen.add(token)

    commitment = CommitmentFactory()
    changed()
    CommitmentBodyFactory(commitment=commitment)
    changed()
    evidence = EvidenceFactory(commitment=commitment)
    changed()
    services.evidence_retract(evidence=evidence, retracted_by=None, reason="wrong")
    changed()
    AssessmentFactory(commitment=commitment).evidence.add(
        EvidenceFactory(commitment=commitment)
    )
    changed()
    commitment.title = "Edited in the admin"
    commitment.save()
    changed()
    call_command("loaddata", "astana_2005", verbosity=0)
    changed()


def test_cached_figures_are_recomputed_after_a_write():
    calls = []

    def compute():
        calls.append(1)
        return Commitment.objects.scorecard(D(2026, 1, 1))

    commitment = CommitmentFactory()
    first = cached_figures("card", compute)
    again = cached_figures("card", compute)
    assert len(calls) == 1 and first == again
    assert first.count(Status.UNASSESSED) == 1
    AssessmentFactory(commitment=commitment, status=Status.STALLED)
    after = cached_figures("card", compute)
    assert len(calls) == 2
    assert after.count(Status.STALLED) == 1


def test_the_overview_shows_a_new_assessment_at_once(client):
    commitment = CommitmentFactory()
    url = reverse("declarations:overview")
    assert "Stalled" in client.get(url).content.decode()
    before = client.get(url).context["card"]
    assert before.count(Status.STALLED) == 0
    AssessmentFactory(commitment=commitment, status=Status.STALLED)
    assert client.get(url).context["card"].count(Status.STALLED) == 1


def test_cached_rows_of_a_list_follow_a_new_assessment(client):
    commitment = CommitmentFactory(reference="ROW-1")
    url = reverse("declarations:commitment-list")

    def row():
        page = client.get(url).content.decode()
        start = page.index("ROW-1")
        return page[start : page.index("</tr>", start)]

    assert "Unassessed" in row()
    assert "Unassessed" in row()  # served from the cache
    AssessmentFactory(commitment=commitment, status=Status.STALLED)
    assert "Stalled" in row()


def first_index(queries, predicate):
    return next(i for i, q in enumerate(queries) if predicate(q["sql"]))


@pytest.mark.parametrize("where", ["form", "admin"])
def test_a_post_takes_the_ledger_lock_before_it_writes(client, where):
    """Writers queue on the ledger's row in one order (LedgerVersion.lock)."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    commitment = CommitmentFactory()
    if where == "form":
        user = UserFactory()
        user.groups.add(Group.objects.get(name="Analysts"))
        url = reverse("declarations:evidence-create", args=[commitment.reference])
        data = {
            "event_date": "2006-08-09",
            "event_date_precision": "day",
            "summary": "The Council met.",
            "source_title": "Communique",
            "direction": "toward",
        }
    else:
        user = UserFactory(is_staff=True, is_superuser=True)
        url = reverse("admin:declarations_body_add")
        data = {
            "name": "Council of Ministers",
            "slug": "council-of-ministers",
            "short_name": "CM",
            "kind": "organ",
        }
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    queries = captured.captured_queries
    lock = first_index(queries, lambda sql: "declarations_ledgerversion" in sql)
    write = first_index(queries, lambda sql: sql.startswith(("INSERT", "UPDATE")))
    assert lock < write
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in queries[lock]["sql"]
