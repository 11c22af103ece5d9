"""The implementation record as a researcher checks it: evidence that names its
source, the CSV it is imported from (``import_evidence``), and the coding
manual's checkable rules over the shipped Astana record."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from declarations.models import Evidence
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db


# ------------------------------------------------------ evidence names its source


@pytest.mark.parametrize(
    "title",
    [
        "[no title in corpus excerpt]",
        "［無題］",
        "[Untitled]",
        "Untitled",
        "untitled.",
        "N/A",
        " n/a ",
        "none",
        "—",
        "...",
        "(no title)",
        "Report, no title given",
    ],
)
def test_a_placeholder_title_is_refused_by_the_field(title):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment, source_title=title
    )
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert "placeholder" in str(refused.value.message_dict["source_title"])


@pytest.mark.parametrize(
    "title",
    [
        "Joint Communiqué of the Meeting of the Council of Heads of State",
        "中国拟批准有关修改上合组织宪章议定书",
        "Title IX and the SCO",
        "Federal Law No. 126-FZ [on ratification]",
    ],
)
def test_a_real_title_passes(title):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment,
        source_title=title,
        source_language="en",
        confidence="high",
    )
    evidence.full_clean()


@pytest.mark.parametrize("title", ["[no title in corpus excerpt]", "UNTITLED", "n/a"])
def test_the_database_refuses_a_placeholder_title(title):
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(source_title=title)


def test_the_database_refuses_an_unknown_confidence_and_a_non_http_archive():
    evidence = EvidenceFactory()
    for change in ({"confidence": "certain"}, {"archived_url": "ftp://x.org/a"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evidence.objects.filter(pk=evidence.pk).update(**change)


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "English"), ("ru", "Russian"), ("zh", "Chinese"), ("kk", "Kazakh")],
)
def test_a_language_code_is_named(code, name):
    assert Evidence(source_language=code).source_language_name == name


@pytest.mark.parametrize("code", ["Russian", "e", "EN", "en_GB", "русский"])
def test_a_language_is_a_short_code(code):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment, source_language=code
    )
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert "source_language" in refused.value.message_dict
