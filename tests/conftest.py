import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def codebook(db):
    """The shipped Astana codebook, for the tests that check the shipped data."""
    call_command("loaddata", "astana_2005", verbosity=0)  # and derives


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures must not leak from one test's database into another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
