"""Proposed commitments: stored for review, accepted or rejected by an editor.

Acceptance and rejection go through the admin's own HTTP views with the test
client, as a member of the Editors group; nothing a proposal says reaches the
public pages until an editor accepts it.
"""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from declarations import services
from declarations.models import (
    Body,
    BodyKind,
    Commitment,
    CommitmentProposal,
    CommitmentState,
    ProposalStatus,
    Role,
)
from tests.factories import (
    BodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    MemberStateFactory,
    ParagraphFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OPENING = (
    "The heads of the member states of the Steppe Union (hereinafter referred to "
    "as the Union) - the Republic number 1 and the Republic number 2 - state the "
    "following."
)
PARAGRAPHS = [
    OPENING,
    "Since the last summit, all the tasks set forth then have been largely "
    "implemented.",
    "The heads of state have agreed that the Council of National Coordinators, by "
    "the end of 2006, will prepare proposals for strengthening the Secretariat's "
    "role.",
    "The Parties will accelerate the founding of the Development Fund. The heads "
    "of state are convinced that cooperation is a universal value.",
    "The Union will take an active part in international efforts against drugs.",
]


@pytest.fixture
def declaration():
    declaration = DeclarationFactory(
        slug="steppe-2005",
        reference_prefix="STE2005",
        full_text="\n\n".join(PARAGRAPHS),
    )
    for number, text in enumerate(PARAGRAPHS, start=1):
        ParagraphFactory(declaration=declaration, number=number, text=text)
    MemberStateFactory(name="Republic number 1", slug="republic-1")
    MemberStateFactory(name="Republic number 2", slug="republic-2")
    BodyFactory(
        name="Council of National Coordinators of the Union Member States",
        slug="cnc",
        short_name="CNC",
    )
    BodyFactory(name="Secretariat of the Steppe Union", slug="sec", short_name="")
    return declaration


@pytest.fixture
def editor(client):
    user = UserFactory(username="omar", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def stored(declaration):
    services.proposals_store(declaration=declaration)
    return list(declaration.proposals.in_document_order())


def by_paragraph(proposals, number):
    return next(p for p in proposals if p.paragraph.number == number)


# --- storing ------------------------------------------------------------------------


def test_proposals_are_stored_pending_and_not_proposed_twice(declaration):
    proposals = stored(declaration)
    assert [p.paragraph.number for p in proposals] == [3, 4, 5]
    assert {p.status for p in proposals} == {ProposalStatus.PENDING}
    cnc = by_paragraph(proposals, 3)
    assert cnc.quote.startswith("the Council of National Coordinators")
    assert [(b.body.slug, b.role) for b in cnc.bodies.all()] == [
        ("cnc", Role.RESPONSIBLE)
    ]
    assert (cnc.deadline_kind, cnc.deadline_wording) == (
        "calendar",
        "by the end of 2006",
    )
    assert services.proposals_store(declaration=declaration) == []
    assert Commitment.objects.count() == 0  # nothing enters the codebook


def test_a_paragraph_already_coded_is_not_proposed_again(declaration):
    paragraph = declaration.paragraphs.get(number=4)
    CommitmentFactory(
        declaration=declaration,
        paragraph=paragraph,
        quote="The Parties will accelerate",
    )
    assert 4 not in [p.paragraph.number for p in stored(declaration)]


def test_the_organisation_not_in_the_registry_is_proposed_by_name(declaration):
    union = by_paragraph(stored(declaration), 5)
    (link,) = union.bodies.all()
    assert (link.name, link.body, link.role) == ("Steppe Union", None, "responsible")


# --- the service --------------------------------------------------------------------


def test_accepting_creates_the_commitment_its_bodies_and_deadline(declaration, editor):
    proposal = by_paragraph(stored(declaration), 3)
    commitment = services.proposal_accept(proposal=proposal, accepted_by=editor)
    assert commitment.reference == "STE2005-03"
    assert commitment.quote == proposal.quote
    assert [(link.body.slug, link.role) for link in commitment.body_links.all()] == [
        ("cnc", "responsible")
    ]
    deadline = commitment.deadline
    assert (deadline.wording, deadline.kind, str(deadline.latest)) == (
        "by the end of 2006",
        "calendar",
        "2006-12-31",
    )
    assert deadline.window_display == "5 July 2005 to the end of 2006"
    assert "Proposed by the rules-first proposer" in commitment.notes
    assert "accepted by omar" in commitment.notes
    assert CommitmentState.objects.filter(pk=commitment.pk).exists()  # derived
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.commitment) == (
        ProposalStatus.ACCEPTED,
        editor,
        commitment,
    )
    assert commitment.history.first().history_user == editor
    with pytest.raises(ValidationError, match="already accepted"):
        services.proposal_accept(proposal=proposal, accepted_by=editor)


def test_references_follow_the_declarations_scheme(declaration, editor):
    paragraph = declaration.paragraphs.get(number=4)
    CommitmentFactory(
        declaration=declaration, paragraph=paragraph, reference="STE2005-04"
    )
    assert (
        services.next_reference(declaration=declaration, paragraph_number=4)
        == "STE2005-04b"
    )
    CommitmentFactory(
        declaration=declaration, paragraph=paragraph, reference="STE2005-04b"
    )
    assert (
        services.next_reference(declaration=declaration, paragraph_number=4)
        == "STE2005-04c"
    )
    assert (
        services.next_reference(declaration=declaration, paragraph_number=12)
        == "STE2005-12"
    )


def test_accepting_a_body_the_registry_lacks_is_refused_and_writes_nothing(
    declaration, editor
):
    proposal = by_paragraph(stored(declaration), 5)
    with pytest.raises(ValidationError, match="Not in the body registry yet: Steppe"):
        services.proposal_accept(proposal=proposal, accepted_by=editor)
    assert Commitment.objects.count() == 0
    proposal.refresh_from_db()
    assert proposal.is_pending
    # Once the editor adds the body and links it, it is accepted.
    union = Body.objects.create(
        name="Steppe Union", slug="steppe-union", short_name="SU", kind=BodyKind.ORGAN
    )
    proposal.bodies.update(body=union)
    commitment = services.proposal_accept(proposal=proposal, accepted_by=editor)
    assert [link.body for link in commitment.body_links.all()] == [union]


def test_an_edited_quote_must_still_be_in_the_paragraph(declaration, editor):
    proposal = by_paragraph(stored(declaration), 4)
    with pytest.raises(ValidationError, match="does not occur verbatim"):
        services.proposal_accept(
            proposal=proposal, accepted_by=editor, quote="The Parties will not"
        )
    assert Commitment.objects.count() == 0


def test_rejecting_needs_a_reason_and_keeps_the_proposal(declaration, editor):
    proposal = by_paragraph(stored(declaration), 4)
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, rejected_by=editor, reason=" ")
    services.proposal_reject(
        proposal=proposal, rejected_by=editor, reason="A statement of intent only."
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        ProposalStatus.REJECTED,
        "A statement of intent only.",
        editor,
    )
    # A rejected proposal is not proposed again.
    assert services.proposals_store(declaration=declaration) == []


# --- the admin, as an editor --------------------------------------------------------


def change_url(proposal):
    return reverse("admin:declarations_commitmentproposal_change", args=[proposal.pk])


def change_form(proposal, **overrides):
    data = {
        "title": proposal.title,
        "quote": proposal.quote,
        "theme": proposal.theme,
        "kind": proposal.kind,
        "reference": "",
        "deadline_wording": proposal.deadline_wording,
        "deadline_kind": proposal.deadline_kind,
        "deadline_event": proposal.deadline_event,
        "deadline_earliest": proposal.deadline_earliest or "",
        "deadline_latest": proposal.deadline_latest or "",
        "deadline_precision": proposal.deadline_precision,
        "deadline_note": proposal.deadline_note,
        "reason": proposal.reason,
        "bodies-TOTAL_FORMS": str(proposal.bodies.count()),
        "bodies-INITIAL_FORMS": str(proposal.bodies.count()),
        "bodies-MIN_NUM_FORMS": "0",
        "bodies-MAX_NUM_FORMS": "1000",
    }
    for i, link in enumerate(proposal.bodies.all()):
        data.update(
            {
                f"bodies-{i}-id": link.pk,
                f"bodies-{i}-proposal": proposal.pk,
                f"bodies-{i}-name": link.name,
                f"bodies-{i}-body": link.body_id or "",
                f"bodies-{i}-role": link.role,
            }
        )
    data.update(overrides)
    return data


def test_an_editor_sees_the_pending_proposals_with_accept_and_reject(
    client, declaration, editor
):
    proposal = by_paragraph(stored(declaration), 3)
    listing = client.get(
        reverse("admin:declarations_commitmentproposal_changelist")
        + "?status__exact=pending"
    )
    assert listing.status_code == 200
    assert proposal.title[:40] in listing.content.decode()
    page = client.get(change_url(proposal)).content.decode()
    assert 'name="_accept"' in page and 'name="_reject"' in page
    assert "¶3: The heads of state have agreed" in page


def test_an_editor_edits_then_accepts_in_the_admin(client, declaration, editor):
    proposal = by_paragraph(stored(declaration), 3)
    response = client.post(
        change_url(proposal),
        change_form(
            proposal,
            title="CNC to propose a stronger Secretariat",
            reference="STE2005-03a",
            _accept="Save and accept",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    commitment = Commitment.objects.get(reference="STE2005-03a")
    assert commitment.title == "CNC to propose a stronger Secretariat"
    assert commitment.proposal.decided_by == editor
    # It is public now, and the changes log says who accepted what.
    public = client.get(commitment.get_absolute_url())
    assert public.status_code == 200
    log = client.get(reverse("declarations:changes") + "?kind=proposals")
    text = log.content.decode()
    assert "Proposal accepted" in text and "omar" in text and "STE2005-03a" in text
    # A decided proposal is read-only.
    page = client.get(change_url(proposal)).content.decode()
    assert 'name="_accept"' not in page
    client.post(change_url(proposal), change_form(proposal, title="Changed later"))
    proposal.refresh_from_db()
    assert proposal.title != "Changed later"


def test_a_refused_acceptance_in_the_admin_says_why_and_keeps_it_pending(
    client, declaration, editor
):
    proposal = by_paragraph(stored(declaration), 5)
    response = client.post(
        change_url(proposal), change_form(proposal, _accept="1"), follow=True
    )
    assert "Not accepted" in response.content.decode()
    assert "Not in the body registry yet" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending
    assert not Commitment.objects.exists()


def test_an_editor_rejects_with_a_reason_in_the_admin(client, declaration, editor):
    proposal = by_paragraph(stored(declaration), 4)
    refused = client.post(
        change_url(proposal), change_form(proposal, _reject="1"), follow=True
    )
    assert "Not rejected" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending
    response = client.post(
        change_url(proposal),
        change_form(proposal, reason="Only an intention.", _reject="1"),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == ("rejected", "Only an intention.")
    assert not Commitment.objects.exists()
    # Rejections are not codebook changes: the public log does not list them.
    log = client.get(reverse("declarations:changes")).content.decode()
    assert "Only an intention." not in log


def test_editors_accept_and_reject_several_from_the_list(client, declaration, editor):
    proposals = stored(declaration)
    url = reverse("admin:declarations_commitmentproposal_changelist")
    selected = [str(by_paragraph(proposals, n).pk) for n in (3, 4)]
    asked = client.post(
        url, {"action": "reject_selected", "_selected_action": selected}
    )
    assert asked.status_code == 200
    assert "Reject these pending proposals?" in asked.content.decode()
    done = client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Coded by hand instead.",
        },
    )
    assert done.status_code == 302
    assert set(
        CommitmentProposal.objects.filter(pk__in=selected).values_list(
            "status", "reason"
        )
    ) == {("rejected", "Coded by hand instead.")}
    union = by_paragraph(proposals, 5)
    response = client.post(
        url,
        {"action": "accept_selected", "_selected_action": [str(union.pk)]},
        follow=True,
    )
    assert "Not accepted" in response.content.decode()


def test_the_declaration_admin_action_proposes_commitments(client, declaration, editor):
    response = client.post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "propose_commitments", "_selected_action": [str(declaration.pk)]},
        follow=True,
    )
    assert "3 new proposal(s)" in response.content.decode()
    assert declaration.proposals.pending().count() == 3


def test_an_analyst_cannot_review_proposals(client, declaration):
    stored(declaration)
    analyst = UserFactory(username="amina", is_staff=True)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    url = reverse("admin:declarations_commitmentproposal_changelist")
    assert client.get(url).status_code == 403


def test_pending_proposals_are_not_on_the_public_pages(client, declaration):
    titles = [p.title for p in stored(declaration)]
    assert titles
    for url in (
        declaration.get_absolute_url(),
        reverse("declarations:commitment-list"),
        reverse("declarations:changes"),
        reverse("declarations:overdue"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        for title in titles:
            assert title not in page.content.decode()


# --- the command --------------------------------------------------------------------


def test_the_command_prints_json_and_stores_nothing(declaration):
    out = io.StringIO()
    call_command("propose_commitments", "steppe-2005", "--json", stdout=out)
    values = json.loads(out.getvalue())
    assert [v["paragraph"] for v in values] == [3, 4, 5]
    assert set(values[0]) == {"paragraph", "quote", "title", "bodies", "deadline"}
    assert values[0]["bodies"] == [
        {
            "name": "Council of National Coordinators of the Union Member States",
            "role": "responsible",
        }
    ]
    assert values[0]["deadline"]["wording"] == "by the end of 2006"
    assert values[0]["deadline"]["earliest"] == "2005-07-05"
    assert not CommitmentProposal.objects.exists()


def test_the_command_stores_proposals_for_review(declaration):
    out = io.StringIO()
    call_command("propose_commitments", "steppe-2005", stdout=out)
    assert "3 new proposal(s); 3 pending review at /admin/" in out.getvalue()
    assert CommitmentProposal.objects.count() == 3


def test_the_command_refuses_an_unknown_slug(declaration):
    with pytest.raises(CommandError, match="No declaration with the slug 'nowhere'"):
        call_command("propose_commitments", "nowhere")
