"""bootstrap: an empty database gets the codebook, then its reviewed record.

A module of its own: the record tests' module-wide codebook would be there
already, and bootstrap loads only into an empty database."""

import io

import pytest
from django.core.management import call_command

from declarations.models import Assessment, Evidence, Paragraph

pytestmark = pytest.mark.django_db


def test_bootstrap_loads_the_codebook_then_its_reviewed_record(db, settings):
    settings.TRACKER_REVIEW_REQUIRED = True  # the shipped file is reviewed already
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    assert "evidence: 89 created" in out.getvalue()
    assert "assessments: 46 created" in out.getvalue()
    assert Evidence.objects.count() == 89
    assert set(Assessment.objects.values_list("review", flat=True)) == {"published"}
    assert not Paragraph.objects.filter(coding_note="").exists()
    again = io.StringIO()
    call_command("bootstrap", stdout=again)
    assert "nothing loaded" in again.getvalue()
    assert Evidence.objects.count() == 89
