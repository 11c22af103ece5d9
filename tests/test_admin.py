import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from declarations.models import DeadlineRevision, Status
from tests.factories import (
    AssessmentFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def data():
    commitment = with_window(
        CommitmentFactory(reference="AST-05", title="Prepare proposals"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind="event",
        wording="by the next 2006 Summit",
    )
    CommitmentBodyFactory(commitment=commitment, body__short_name="CNC")
    evidence = EvidenceFactory(commitment=commitment)
    AssessmentFactory(commitment=commitment, status=Status.STALLED)
    AssessmentFactory(commitment=commitment).evidence.add(evidence)
    return commitment


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def admin_urls(obj_by_model):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "declarations":
            continue
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        obj = model._default_manager.first()
        if obj is not None:
            yield reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
            )
        if model_admin.has_add_permission(_Request()):
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


class _Request:
    class user:  # a stand-in with every permission
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(*args):
            return True


def test_every_admin_page_opens_for_a_superuser(admin_client, data):
    urls = list(admin_urls(None))
    assert len(urls) >= 20
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_changelist_lists_commitments_with_bodies_deadlines_and_statuses(
    admin_client, data
):
    response = admin_client.get(reverse("admin:declarations_commitment_changelist"))
    content = response.content.decode()
    assert "AST-05" in content
    assert "CNC" in content
    assert "by the next 2006 Summit" in content
    assert "In progress" in content


def test_overdue_filter(admin_client, data):
    other = with_window(
        CommitmentFactory(reference="AST-99"), D(2099, 1, 1), D(2099, 12, 31), "year"
    )
    url = reverse("admin:declarations_commitment_changelist")
    content = admin_client.get(url, {"overdue": "definitely"}).content.decode()
    assert "AST-05" in content and other.reference not in content
    content = admin_client.get(url, {"overdue": "not_due"}).content.decode()
    assert "AST-05" not in content and other.reference in content


def test_search_finds_words_of_the_quote(admin_client, data):
    url = reverse("admin:declarations_commitment_changelist")
    word = data.quote.split()[-1].strip(".")
    assert "AST-05" in admin_client.get(url, {"q": word}).content.decode()
    assert "AST-05" not in admin_client.get(url, {"q": "zebra"}).content.decode()


def deadline_form(commitment, **overrides):
    deadline = commitment.deadline
    form = {
        "commitment": commitment.pk,
        "wording": deadline.wording,
        "kind": deadline.kind,
        "event": deadline.event,
        "earliest": deadline.earliest.isoformat(),
        "latest": deadline.latest.isoformat(),
        "precision": deadline.precision,
        "note": deadline.note,
        "review_date": "",
        "reason": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    form.update(overrides)
    return form


def test_changing_a_deadline_window_in_the_admin_needs_a_reason(admin_client, data):
    url = reverse("admin:declarations_deadline_change", args=[data.pk])
    narrowed = {"earliest": "2006-06-15", "latest": "2006-06-15", "precision": "day"}
    response = admin_client.post(url, deadline_form(data, **narrowed))
    assert response.status_code == 200
    assert "Say why the deadline changes" in response.content.decode()
    assert not DeadlineRevision.objects.exists()

    response = admin_client.post(
        url, deadline_form(data, reason="Summit held on 15 June 2006", **narrowed)
    )
    assert response.status_code == 302
    revision = DeadlineRevision.objects.get()
    assert revision.old_latest == D(2006, 12, 31)
    assert revision.new_latest == D(2006, 6, 15)
    assert revision.reason == "Summit held on 15 June 2006"
    assert revision.revised_by.username == "admin"


def test_history_cannot_be_edited_or_deleted_in_the_admin(admin_client, data):
    assessment = data.assessments.first()
    evidence = data.evidence.first()
    for model, pk in (("assessment", assessment.pk), ("evidence", evidence.pk)):
        delete = reverse(f"admin:declarations_{model}_delete", args=[pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        change = reverse(f"admin:declarations_{model}_change", args=[pk])
        page = admin_client.get(change).content.decode()
        assert 'name="_save"' not in page
    assert data.assessments.count() == 2
