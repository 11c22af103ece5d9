import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


RECORD = Path(__file__).resolve().parent.parent / "fixtures" / "astana_2005_record.csv"


def load_codebook():
    """The shipped codebook and its record, as ``bootstrap`` loads them."""
    call_command("loaddata", "astana_2005", verbosity=0)  # and derives
    call_command("import_evidence", str(RECORD), publish=True, stdout=io.StringIO())


@pytest.fixture(scope="module")
def _codebook_loaded(django_db_setup, django_db_blocker):
    """The codebook and its record, loaded once for a module in a transaction
    rolled back after it: each test's own transaction (the ``db`` fixture) nests
    inside, so a test's changes go with it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_codebook()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def codebook(_codebook_loaded, db):
    """The shipped Astana codebook, for the tests that check the shipped data."""


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures must not leak from one test's database into another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
