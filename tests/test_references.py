"""A published reference never changes silently: a corrected one keeps the old
as an alias, and every URL with the old one answers 301 to the new one."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from declarations import services
from declarations.models import Commitment, ReferenceAlias
from declarations.models.status import CommitmentState
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def analyst():
    user = UserFactory(username="analyst")
    user.groups.add(Group.objects.get(name="Analysts"))
    return user


@pytest.fixture
def renamed(editor):
    commitment = CommitmentFactory(reference="AST2005-5")
    services.commitment_rename(
        commitment=commitment,
        reference="AST2005-05",
        by=editor,
        reason="Two digits, as every other reference.",
    )
    return commitment


def change_post(commitment, **overrides):
    """What the admin's change form posts for the commitment, unchanged."""
    data = {
        "declaration": commitment.declaration_id,
        "paragraph": commitment.paragraph_id,
        "reference": commitment.reference,
        "title": commitment.title,
        "kind": commitment.kind,
        "quote": commitment.quote,
        "theme": commitment.theme,
        "notes": commitment.notes,
        "seen_version": services.codebook_version(commitment),
        "body_links-TOTAL_FORMS": "0",
        "body_links-INITIAL_FORMS": "0",
        "deadline-TOTAL_FORMS": "1",
        "deadline-INITIAL_FORMS": "1",
        "deadline-0-commitment": commitment.pk,
        "deadline-0-kind": commitment.deadline.kind,
        "deadline-0-wording": commitment.deadline.wording,
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_rename_keeps_the_old_reference_as_an_alias(renamed, editor):
    renamed.refresh_from_db()
    assert renamed.reference == "AST2005-05"
    alias = ReferenceAlias.objects.get()
    assert (alias.old_reference, alias.commitment, alias.changed_by) == (
        "AST2005-5",
        renamed,
        editor,
    )
    assert alias.reason == "Two digits, as every other reference."
    # The derived state (document order, lists) follows the new reference.
    assert CommitmentState.objects.get(pk=renamed.pk).reference == "AST2005-05"


@pytest.mark.parametrize(
    "path",
    [
        "/commitments/{}/",
        "/commitments/{}/?as_of=2006-06-15",
        "/commitments/{}/assess/",
        "/commitments/{}/evidence/new/",
        "/api/commitments/{}/",
        "/api/commitments/{}/?as_of=2006-06-15",
    ],
)
def test_every_url_with_the_old_reference_answers_301_to_the_new(
    client, renamed, analyst, path
):
    client.force_login(analyst)
    response = client.get(path.format("AST2005-5"))
    assert response.status_code == 301
    assert response["Location"] == path.format("AST2005-05")
    assert client.get(response["Location"]).status_code == 200


def test_the_page_of_the_new_reference_is_served_and_an_unknown_one_is_404(
    client, renamed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        assert client.get("/commitments/AST2005-05/").status_code == 200
    assert client.get("/commitments/AST2005-6/").status_code == 404
    assert client.get("/api/commitments/AST2005-6/").status_code == 404


def test_the_redirect_costs_no_query_on_a_page_that_exists(
    client, renamed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as counted:
        client.get("/commitments/AST2005-05/")
    assert not any(
        "referencealias" in query["sql"] for query in counted.captured_queries
    )


def test_renames_chain_and_a_former_reference_can_be_taken_back(renamed, editor):
    services.commitment_rename(
        commitment=renamed, reference="AST2005-05a", by=editor, reason="Split."
    )
    assert set(ReferenceAlias.objects.values_list("old_reference", "commitment")) == {
        ("AST2005-5", renamed.pk),
        ("AST2005-05", renamed.pk),
    }
    services.commitment_rename(
        commitment=renamed, reference="AST2005-05", by=editor, reason="Undo."
    )
    assert set(ReferenceAlias.objects.values_list("old_reference", flat=True)) == {
        "AST2005-5",
        "AST2005-05a",
    }


def test_a_reference_in_use_or_published_before_is_refused(renamed, editor):
    other = CommitmentFactory(reference="AST2005-06")
    with pytest.raises(ValidationError) as used:
        services.commitment_rename(
            commitment=other, reference="AST2005-05", by=editor, reason="Oops."
        )
    assert (
        "already the reference of AST2005-05" in used.value.message_dict["reference"][0]
    )
    with pytest.raises(ValidationError) as aliased:
        services.commitment_rename(
            commitment=other, reference="AST2005-5", by=editor, reason="Oops."
        )
    assert "redirects to it" in aliased.value.message_dict["reference"][0]
    with pytest.raises(ValidationError) as unexplained:
        services.commitment_rename(
            commitment=other, reference="AST2005-07", by=editor, reason=" "
        )
    assert "reference" in unexplained.value.message_dict
    other.refresh_from_db()
    assert other.reference == "AST2005-06"
    assert ReferenceAlias.objects.count() == 1


def test_the_admin_renames_with_a_reason_and_keeps_the_alias(client, editor):
    commitment = CommitmentFactory(reference="AST2005-5")
    client.force_login(editor)
    url = reverse("admin:declarations_commitment_change", args=[commitment.pk])
    refused = client.post(url, change_post(commitment, reference="AST2005-05"))
    assert refused.status_code == 200
    assert "Say why the published reference changes" in refused.content.decode()
    assert not ReferenceAlias.objects.exists()

    response = client.post(
        url,
        change_post(commitment, reference="AST2005-05", reference_reason="Two digits."),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    commitment.refresh_from_db()
    assert commitment.reference == "AST2005-05"
    assert ReferenceAlias.objects.get().old_reference == "AST2005-5"
    page = client.get(url).content.decode()
    assert "AST2005-5 (until" in page
    assert client.get("/commitments/AST2005-5/").status_code == 301


def test_the_admin_refuses_a_taken_reference_naming_the_field(client, editor):
    CommitmentFactory(reference="AST2005-05")
    former = CommitmentFactory(reference="AST2005-5")
    services.commitment_rename(
        commitment=former, reference="AST2005-5b", by=editor, reason="Split."
    )
    commitment = CommitmentFactory(reference="AST2005-07")
    client.force_login(editor)
    url = reverse("admin:declarations_commitment_change", args=[commitment.pk])
    for taken, said in (
        ("AST2005-05", "already the reference of AST2005-05"),
        ("AST2005-5", "was published as the reference of AST2005-5b"),
    ):
        response = client.post(
            url, change_post(commitment, reference=taken, reference_reason="x y z")
        )
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert said in form.errors["reference"][0]
    commitment.refresh_from_db()
    assert commitment.reference == "AST2005-07"
    # A new commitment cannot take a former reference either.
    add = reverse("admin:declarations_commitment_add")
    new = change_post(
        commitment,
        reference="AST2005-5",
        **{"deadline-INITIAL_FORMS": "0", "deadline-0-commitment": ""},
    )
    response = client.post(add, new)
    assert "reference" in response.context["adminform"].form.errors
    assert Commitment.objects.filter(reference="AST2005-5").count() == 0


def test_a_proposal_never_takes_a_former_reference(renamed, editor):
    declaration = renamed.declaration
    declaration.reference_prefix = "AST2005"
    declaration.save()
    services.commitment_rename(
        commitment=renamed, reference="AST2005-09", by=editor, reason="Paragraph 9."
    )
    # AST2005-05 is free as a reference, but was published: the next is 05b.
    assert services.next_reference(declaration=declaration, paragraph_number=5) == (
        "AST2005-05b"
    )
    with pytest.raises(ValidationError) as refused:
        services.reference_available(reference="AST2005-05", commitment=None)
    assert "redirects to it" in refused.value.message_dict["reference"][0]
