"""Text every output can carry (issue 16): one validator refuses control characters
in every free-text field, form and import; every writer strips them from what was
stored before; an address holding one answers 404, never 500."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from declarations.forms import AssessmentForm, EvidenceForm, RetractionForm
from declarations.models import Commitment, Evidence
from declarations.text import (
    ControlCharacterValidator,
    printable,
    refuse_control_characters,
)
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    EvidenceFactory,
    UserFactory,
    with_window,
)

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"
# What Word, pdftotext and terminals leave in pasted text.
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\r"]


# The validator and the defensive copy -------------------------------------------


@pytest.mark.parametrize("character", CONTROLS)
def test_the_validator_refuses_each_control_character(character):
    with pytest.raises(ValidationError) as error:
        refuse_control_characters(f"Summit{character}communiqué")
    message = error.value.messages[0]
    assert f"(U+{ord(character):04X}) at character 7" in message
    assert error.value.code == "control_character"


def test_the_validator_names_what_it_found():
    with pytest.raises(ValidationError, match=r"vertical tab \(Word's manual line"):
        refuse_control_characters("a\x0bb")
    with pytest.raises(ValidationError, match=r"form feed \(a page break\)"):
        refuse_control_characters("a\x0cb")
    with pytest.raises(ValidationError, match="carriage return that does not end"):
        refuse_control_characters("a\rb")


@pytest.mark.parametrize(
    "text",
    ["plain", "tab\tseparated", "two\nlines", "a text area's\r\nline break", ""],
)
def test_the_validator_accepts_tabs_and_line_breaks(text):
    refuse_control_characters(text)


def test_the_validator_looks_inside_json_values():
    refuse_control_characters({"Language": "English", "Notes": ["a", "b"]})
    with pytest.raises(ValidationError):
        refuse_control_characters({"Notes": ["fine", "page\x0cbreak"]})
    with pytest.raises(ValidationError):
        refuse_control_characters({"Bad\x00name": "value"})


def test_printable_keeps_the_line_breaks_and_drops_the_rest():
    assert printable("a\x0bb\x0cc\rd\r\ne\x00f\x1bg\th") == "a\nb\nc\nd\r\ne" + "fg\th"
    assert printable("nothing odd") == "nothing odd"
    assert printable(None) is None and printable(5) == 5


def test_the_validator_is_one_object_for_migrations():
    assert ControlCharacterValidator() == refuse_control_characters
    path, args, kwargs = refuse_control_characters.deconstruct()
    assert path == "declarations.text.ControlCharacterValidator"
    assert (args, kwargs) == ((), {})


# Every free-text field of the models --------------------------------------------

# Text fields that are not free text: chosen from a list, or checked by a pattern.
NOT_FREE_TEXT = {
    "slug",
    "reference",
    # Codes and keys, each held to its own pattern (language_code, the import's
    # key, a former reference) that admits no control character.
    "source_language",
    "record_key",
    "old_reference",
    "reference_prefix",
    "content_hash",
    "kind",
    "role",
    "status",
    "confidence",
    "direction",
    "precision",
    "old_kind",
    "new_kind",
    "old_precision",
    "new_precision",
    "event_date_precision",
}
# Rows only status_derive writes, from fields validated here.
DERIVED = {"CommitmentState", "StatusPeriod", "FigureTally"}


def free_text_fields():
    for model in apps.get_app_config("declarations").get_models():
        if model.__name__ in DERIVED or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(
                    field, models.CharField | models.TextField | models.JSONField
                )
                and not field.choices
                and field.name not in NOT_FREE_TEXT
            ):
                yield model, field


def test_every_free_text_field_has_the_validator():
    fields = list(free_text_fields())
    names = {f"{model.__name__}.{field.name}" for model, field in fields}
    assert {
        "Declaration.title",
        "Declaration.header_fields",
        "Paragraph.text",
        "Body.name",
        "Commitment.quote",
        "Deadline.wording",
        "DeadlineRevision.reason",
        "Evidence.summary",
        "Evidence.source_url",
        "Assessment.rationale",
    } <= names
    missing = [
        f"{model.__name__}.{field.name}"
        for model, field in fields
        if refuse_control_characters not in field.validators
    ]
    assert not missing


@pytest.mark.django_db
def test_full_clean_refuses_a_control_character_under_the_fields_name():
    commitment = CommitmentFactory()
    commitment.title = "Prepare\x0bproposals"
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert list(error.value.message_dict) == ["title"]
    assert "vertical tab" in error.value.message_dict["title"][0]


# Forms and pages ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "Page one\x0cpage two"),
        ("source_title", "Wire\x0bservice"),
        ("source_publisher", "Reuters\x1b[31m"),
        ("excerpt", "said\rnothing"),
        ("source_url", "https://example.org/a\x00b"),
    ],
)
def test_the_evidence_form_refuses_control_characters(field, value):
    data = {
        "event_date": "2006-08-09",
        "event_date_precision": "day",
        "summary": "Met.",
        "source_title": "Wire",
        "source_publisher": "Reuters",
        "source_language": "en",
        "accessed_on": "2026-11-20",
        "excerpt": "the ministers met",
        "confidence": "high",
        "direction": "toward",
        field: value,
    }
    form = EvidenceForm(data, commitment=CommitmentFactory())
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.django_db
def test_the_assessment_and_retraction_forms_refuse_control_characters():
    commitment = CommitmentFactory()
    form = AssessmentForm(
        {
            "status": "in_progress",
            "as_of": "2006-08-09",
            "confidence": "medium",
            "rationale": "Because\x0bof this.",
        },
        commitment=commitment,
    )
    assert not form.is_valid() and "rationale" in form.errors
    form = RetractionForm({"reason": "Wrong\x0cdate"})
    assert not form.is_valid() and "control character" in form.errors["reason"][0]


@pytest.mark.django_db
def test_a_control_character_posted_from_the_page_is_refused_and_nothing_written(
    client,
):
    commitment = CommitmentFactory()
    analyst = UserFactory()
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    response = client.post(
        reverse("declarations:evidence-create", args=[commitment.reference]),
        {
            "event_date": "2006-08-09",
            "event_date_precision": "day",
            "summary": "Copied from Word:\x0bthe second line",
            "source_title": "Wire",
            "source_publisher": "Reuters",
            "source_language": "en",
            "accessed_on": "2026-11-20",
            "excerpt": "the ministers met",
            "confidence": "high",
            "direction": "toward",
        },
    )
    assert response.status_code == 200
    assert "vertical tab" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_text_areas_line_breaks_are_accepted(client):
    commitment = CommitmentFactory()
    analyst = UserFactory()
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    response = client.post(
        reverse("declarations:evidence-create", args=[commitment.reference]),
        {
            "event_date": "2006-08-09",
            "event_date_precision": "day",
            "summary": "First line\r\nsecond line",
            "source_title": "Wire",
            "source_publisher": "Reuters",
            "source_language": "en",
            "accessed_on": "2026-11-20",
            "excerpt": "the ministers met",
            "confidence": "high",
            "direction": "toward",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().summary == "First line\r\nsecond line"


# Old data cannot break a feed --------------------------------------------------


@pytest.fixture
def stored_before_the_validator(db):
    """Rows holding control characters, written around the validator (as rows
    stored before it existed are). PostgreSQL cannot store a NUL at all."""
    commitment = with_window(
        CommitmentFactory(reference="AST2005-05"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
    )
    Commitment.objects.filter(pk=commitment.pk).update(
        title="Prepare\x0bproposals\rby the Summit\x1f"
    )
    evidence = EvidenceFactory(commitment=commitment)
    Evidence.objects.filter(pk=evidence.pk).update(
        summary="Page one\x0cpage two\x0bline\x1b[0m", source_title="Wire\x08"
    )
    AssessmentFactory(commitment=commitment, rationale="Done\x0bfor now.")
    return commitment


def test_the_atom_feed_carries_old_control_characters(
    client, stored_before_the_validator
):
    response = client.get(reverse("declarations:feed-evidence"))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # well-formed XML 1.0
    summaries = [e.findtext(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry")]
    assert any("Page one\npage two\nline[0m" in s for s in summaries), summaries
    assert any("Done\nfor now." in s for s in summaries)


def test_the_calendar_carries_old_control_characters(
    client, stored_before_the_validator
):
    response = client.get(reverse("declarations:feed-deadlines"))
    assert response.status_code == 200
    body = response.getvalue()
    # Every CR ends a content line (RFC 5545): none stands alone inside a value.
    assert body.count(b"\r") == body.count(b"\r\n")
    assert b"\x0b" not in body and b"\x1f" not in body
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "AST2005-05 due: Prepare\nproposals\nby the Summit"


def test_a_lone_carriage_return_never_reaches_the_calendar_unescaped(db, client):
    commitment = with_window(
        CommitmentFactory(reference="ICS-CR", title="One\rtwo\r\nthree\nfour"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
    )
    body = client.get(reverse("declarations:feed-deadlines")).getvalue()
    summary = next(line for line in body.split(b"\r\n") if line.startswith(b"SUMMARY"))
    assert b"\r" not in summary
    assert (
        summary
        == f"SUMMARY:{commitment.reference} due: One\\ntwo\\nthree\\nfour".encode()
    )


def test_the_excel_download_carries_old_control_characters(
    client, stored_before_the_validator
):
    response = client.get(reverse("declarations:commitment-list"), {"_export": "xlsx"})
    assert response.status_code == 200


# An address holding a control character ----------------------------------------

ODD_ADDRESSES = [
    "/commitments/%00/",
    "/commitments/%00/assess/",
    "/commitments/%00/evidence/new/",
    "/commitments/AST2005-05%00/assess/",
    "/commitments/%0B/evidence/new/",
    "/commitments/%7F/assess/",
    "/commitments/%FF/assess/",
    "/commitments/%C0%80/assess/",
    "/declarations/%00/",
    "/bodies/%00/",
    "/evidence/%00/retract/",
    "/admin/declarations/commitment/%00/change/",
    "/admin/declarations/body/%00/history/",
    "/commitments/?q=%00",
    "/commitments/?body=%00&status=%01",
    "/feeds/deadlines.ics?body=%00",
    "/feeds/evidence/?body=%0C",
    "/accounts/password_reset/?next=%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "Analysts", "Editors"])
def test_an_address_with_a_control_character_is_404_for_everyone(client, role):
    with_window(
        CommitmentFactory(reference="AST2005-05"), D(2006, 1, 1), D(2006, 12, 31)
    )
    if role != "anonymous":
        user = UserFactory(is_staff=role == "Editors")
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
    for url in ODD_ADDRESSES:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (role, method.__name__, url)


@pytest.mark.django_db
def test_a_search_may_hold_a_tab_or_a_line_break(client):
    assert client.get("/commitments/", {"q": "two\twords\r\n"}).status_code == 200
