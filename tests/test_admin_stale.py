"""Two editors on the same codebook object: the second save, built on a form
opened before the first, is refused with what changed, and writes nothing."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from declarations.models import Body, Commitment, Declaration
from tests.factories import (
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    ParagraphFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def editor_client(name: str) -> Client:
    user = UserFactory(username=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice():
    return editor_client("alice")


@pytest.fixture
def bob():
    return editor_client("bob")


def _value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def form_data(response) -> dict:
    """What the admin change form in the response posts back as it stands."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = _value(value)
    return data


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def errors_of(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


@pytest.fixture
def commitment():
    commitment = CommitmentFactory(
        reference="AST2005-05", title="Prepare proposals", theme="Economy"
    )
    CommitmentBodyFactory(commitment=commitment, body__short_name="CNC")
    return commitment


def test_the_second_editor_is_refused_with_what_changed_and_nothing_is_written(
    alice, bob, commitment
):
    url = change_url(commitment)
    alices = form_data(alice.get(url))
    bobs = form_data(bob.get(url))
    saved = alice.post(url, {**alices, "title": "Prepare proposals on trade"})
    assert saved.status_code == 302
    history = commitment.history.count()

    refused = bob.post(url, {**bobs, "theme": "Trade"})
    assert refused.status_code == 200
    said = errors_of(refused)
    assert "Someone saved this commitment while you were editing (alice" in said
    assert "Nothing was written" in said
    assert (
        "title: yours “Prepare proposals” / theirs “Prepare proposals on trade” / "
        "when you opened “Prepare proposals”" in said
    )
    assert "theme" not in said.split("theirs.", 1)[1]  # alice left it alone
    commitment.refresh_from_db()
    assert (commitment.title, commitment.theme) == (
        "Prepare proposals on trade",
        "Economy",
    )
    assert commitment.history.count() == history
    # The page shows it, escaped, above the form.
    page = refused.content.decode()
    assert "yours “Prepare proposals” / theirs “Prepare proposals on trade”" in page

    # Bob has now seen the change: saving again is his choice, and goes through.
    again = form_data(refused)
    assert again["seen_version"] != bobs["seen_version"]
    assert again["theme"] == "Trade"
    resaved = bob.post(url, {**again, "title": "Prepare proposals on trade"})
    assert resaved.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.theme) == (
        "Prepare proposals on trade",
        "Trade",
    )


def test_an_editor_saving_twice_in_a_row_is_not_refused(alice, commitment):
    url = change_url(commitment)
    assert alice.post(url, {**form_data(alice.get(url)), "title": "One"}).status_code
    second = alice.post(url, {**form_data(alice.get(url)), "title": "Two"})
    assert second.status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Two"


def test_a_deadline_or_body_saved_elsewhere_makes_the_commitment_form_stale(
    alice, bob, commitment
):
    url = change_url(commitment)
    bobs = form_data(bob.get(url))
    deadline_url = change_url(commitment.deadline)
    deadline = form_data(alice.get(deadline_url))
    saved = alice.post(deadline_url, {**deadline, "note": "Said at the summit."})
    assert saved.status_code == 302
    refused = bob.post(url, {**bobs, "title": "Prepare"})
    assert refused.status_code == 200
    said = errors_of(refused)
    assert "deadline: note: yours “—” / theirs “Said at the summit.”" in said
    commitment.refresh_from_db()
    assert commitment.title == "Prepare proposals"

    # A body added to it by another editor, too.
    bobs = form_data(bob.get(url))
    CommitmentBodyFactory(commitment=commitment, body=BodyFactory(short_name="RATS"))
    refused = bob.post(url, {**bobs, "title": "Prepare"})
    assert "body of a commitment: added" in errors_of(refused)


@pytest.mark.parametrize(
    "make, field, theirs, other, mine",
    [
        (
            lambda: BodyFactory(name="Secretariat"),
            "name",
            "SCO Secretariat",
            "description",
            "Its permanent organ.",
        ),
        (
            lambda: DeclarationFactory(place="Astana"),
            "place",
            "Astana, Kazakhstan",
            "source",
            "Another source",
        ),
        (
            lambda: ParagraphFactory(text="The parties will meet."),
            "text",
            "The parties will meet again.",
            "section",
            "2",
        ),
    ],
)
def test_every_codebook_form_refuses_a_stale_save(
    alice, bob, make, field, theirs, other, mine
):
    obj = make()
    before = getattr(obj, other)
    url = change_url(obj)
    alices = form_data(alice.get(url))
    bobs = form_data(bob.get(url))
    assert alice.post(url, {**alices, field: theirs}).status_code == 302
    refused = bob.post(url, {**bobs, other: mine})
    assert refused.status_code == 200
    said = errors_of(refused)
    assert f"Someone saved this {obj._meta.verbose_name} while you were" in said
    assert f"theirs “{theirs}”" in said
    fresh = type(obj).objects.get(pk=obj.pk)
    assert (getattr(fresh, field), getattr(fresh, other)) == (theirs, before)


def test_a_declarations_paragraph_saved_elsewhere_makes_its_form_stale(alice, bob):
    paragraph = ParagraphFactory(text="The parties will meet.")
    declaration = paragraph.declaration
    url = change_url(declaration)
    bobs = form_data(bob.get(url))
    paragraph_url = change_url(paragraph)
    saved = alice.post(
        paragraph_url, {**form_data(alice.get(paragraph_url)), "section": "2"}
    )
    assert saved.status_code == 302
    refused = bob.post(url, {**bobs, "place": "Shanghai"})
    assert refused.status_code == 200
    assert "paragraphs: yours “—” / theirs “changed since you opened the form”" in (
        errors_of(refused)
    )
    assert Declaration.objects.get(pk=declaration.pk).place == "Astana"


def test_the_change_forms_keep_a_constant_number_of_queries(
    alice, commitment, django_assert_max_num_queries
):
    for obj in (commitment, Body.objects.first(), commitment.declaration):
        with django_assert_max_num_queries(45):
            assert alice.get(change_url(obj)).status_code == 200
    url = change_url(commitment)
    data = form_data(alice.get(url))
    with django_assert_max_num_queries(80):
        assert alice.post(url, {**data, "title": "Prepare"}).status_code == 302
    assert Commitment.objects.get(pk=commitment.pk).title == "Prepare"
